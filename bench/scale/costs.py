"""What a size costs a month, by service, from the model's own numbers (the same arithmetic
as the README's cost table, at the size's volume), and where another setting is cheaper."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from bench.scale import arrivals, prices
from bench.scale.params import DAY, Function, Model, Traffic
from bench.scale.saturation import api_rate, api_read_units, mean_megapixels

GB = 1e9
EDGE_CACHED_SHARE = 0.9  # of a photo page's API calls, if the edge may keep them a minute


@dataclass(frozen=True)
class Assumptions:
    """What the arithmetic takes as given besides the model (docs/scale.md explains each)."""

    days: float = 30.0
    upload_bytes_per_mp: float = 350_000.0  # a camera JPEG (as bench.service_times makes them)
    full_jpeg_share: float = 0.24  # the full-size download against the original (README)
    rendition_bytes: float = 650_000.0  # the public renditions of one photo (README)
    months_kept: int = 12  # storage is shown after a year of this traffic
    edge_hit_ratio: float = 0.9  # rendition requests the edge answers without S3
    log_bytes_per_invocation: float = 1_500.0  # START/END/REPORT and our JSON lines
    access_log_bytes_per_request: float = 600.0
    uploads_per_contributor_month: float = 20.0  # who signs in: contributors (viewers don't)
    api_calls_per_upload: float = 3.0  # grant, status, edit
    index_document_bytes: float = 1_600.0  # bench.service_times: one bulk document
    table_bytes_per_upload: float = 4_000.0  # the image item, its index entries, band keys


@dataclass(frozen=True)
class Line:
    """One service's bill for the month."""

    service: str
    usd: float
    how: str


@dataclass(frozen=True)
class Option:
    """A different setting and what it would cost instead of the line it replaces."""

    setting: str
    replaces: str
    usd: float
    note: str


def monthly(model: Model, traffic: Traffic, given: Assumptions = Assumptions()
            ) -> tuple[list[Line], list[Option]]:
    """The month's lines and the cheaper options worth knowing at this size."""
    lines = bill(model, traffic, given)
    uploads = traffic.uploads_per_day * given.days
    views = traffic.views_per_day * given.days
    return lines, options(model, traffic, uploads, views, given, lines)


def bill(model: Model, traffic: Traffic, given: Assumptions = Assumptions()) -> list[Line]:
    """The month's lines, one per service."""
    uploads = traffic.uploads_per_day * given.days
    views = traffic.views_per_day * given.days
    return [_lambda(model, traffic, uploads, views, given), _api_gateway(model, uploads, views,
                                                                           given),
             _sqs(model, uploads), _s3_requests(model, uploads, views, given),
             _s3_storage(traffic, uploads, given), _dynamodb(model, uploads, views, given),
             _search(model, traffic, uploads, given), _cloudfront(model, views),
             _cognito(uploads, given), _logs(model, uploads, views, given)]


def api_calls(model: Model, uploads: float, views: float, given: Assumptions) -> float:
    """API requests that reach API Gateway: uploads' calls and views' calls the edge missed."""
    missed = 1 - model.views.api_edge_hit_ratio
    return uploads * given.api_calls_per_upload + views * model.views.api_calls_per_view * missed


def invocations(function: Function, messages: float) -> float:
    """Invocations of an SQS-fed `function` for `messages`: each takes up to its batch size
    (app.py's: one). A batch over one is full only under a backlog, so for a larger batch this
    is the fewest."""
    return messages / function.batch_size


def queue_invocations(model: Model, uploads: float) -> float:
    """Ingest and render invocations for `uploads` (one an upload and one a render at app.py's
    batch size)."""
    renders = uploads * model.renders_per_upload
    return invocations(model.ingest, uploads) + invocations(model.render, renders)


def _lambda(model: Model, traffic: Traffic, uploads: float, views: float, given: Assumptions
            ) -> Line:
    mp = mean_megapixels(traffic)
    stream = model.stream
    ingest = uploads * model.ingest.seconds(mp) * model.ingest.memory_gb
    render = uploads * model.renders_per_upload * model.render.seconds(mp) * model.render.memory_gb
    records = uploads * stream.records_per_upload
    indexer = (records * stream.seconds_per_record + records * model.indexer.base_seconds / 2
               ) * model.indexer.memory_gb  # at low rates a batch holds a record or two
    calls = api_calls(model, uploads, views, given)
    api = calls * model.views.api_seconds * model.views.api_memory_gb
    invocations = queue_invocations(model, uploads) + records / 2 + calls
    gb_seconds = ingest + render + indexer + api
    usd = gb_seconds * prices.LAMBDA_GB_SECOND + invocations * prices.LAMBDA_PER_MILLION / 1e6
    return Line("Lambda", usd, f"{gb_seconds:,.0f} GB-s (ingest {ingest:,.0f}, render "
                f"{render:,.0f}, indexer {indexer:,.0f}, API {api:,.0f}); "
                f"{invocations:,.0f} invocations")


def _api_gateway(model: Model, uploads: float, views: float, given: Assumptions) -> Line:
    calls = api_calls(model, uploads, views, given)
    usd = prices.tiered(calls, prices.API_GATEWAY_TIERS, unit=1e6)
    return Line("API Gateway", usd, f"{calls:,.0f} requests (REST, tiered)")


def _sqs(model: Model, uploads: float) -> Line:
    requests = uploads * (1 + model.renders_per_upload) * 3  # send, receive, delete
    return Line("SQS", requests * prices.SQS_PER_MILLION / 1e6,
                f"{requests:,.0f} requests")


def _s3_requests(model: Model, uploads: float, views: float, given: Assumptions) -> Line:
    writes = uploads * model.s3_puts_per_upload
    reads = uploads * (2 + model.renders_per_upload)  # header, upload, master per render
    misses = views * model.views.image_requests_per_view * (1 - given.edge_hit_ratio)
    usd = (writes * prices.S3_PUT_PER_THOUSAND
           + (reads + misses) * prices.S3_GET_PER_THOUSAND) / 1e3
    return Line("S3 requests", usd, f"{writes:,.0f} writes, {reads + misses:,.0f} reads "
                f"({misses:,.0f} of them edge misses)")


def _stored_bytes(traffic: Traffic, given: Assumptions) -> tuple[float, float]:
    """Bytes a month adds: originals with their full JPEG (tiered), renditions (Standard)."""
    original = given.upload_bytes_per_mp * mean_megapixels(traffic)
    return original * (1 + given.full_jpeg_share), given.rendition_bytes


def _s3_storage(traffic: Traffic, uploads: float, given: Assumptions) -> Line:
    kept, renditions = _stored_bytes(traffic, given)
    months = given.months_kept
    # In month N: the newest month in Standard, the one before in Intelligent-Tiering's frequent
    # tier, the next two infrequent, the rest in archive instant access (unread photos).
    ages = [max(0, months - m) for m in range(months)]
    usd = 0.0
    for age in ages:
        rate = (prices.S3_STANDARD_GB if age == 0 else prices.S3_IT_FREQUENT_GB if age == 1
                else prices.S3_IT_INFREQUENT_GB if age <= 3 else prices.S3_IT_ARCHIVE_INSTANT_GB)
        usd += uploads * kept / GB * rate
    usd += uploads * months * renditions / GB * prices.S3_STANDARD_GB
    objects = uploads * 2 * max(0, months - 1)  # originals and full JPEGs being monitored
    usd += objects / 1e3 * prices.S3_IT_MONITORING_PER_THOUSAND
    total_tb = uploads * months * (kept + renditions) / 1e12
    return Line("S3 storage", usd, f"month {months}: {total_tb:,.1f} TB kept, originals in "
                "Intelligent-Tiering after 30 days")


def _dynamodb(model: Model, uploads: float, views: float, given: Assumptions) -> Line:
    writes = uploads * model.write_units_per_upload
    reads = read_units(model, uploads, views)
    stored = uploads * given.months_kept * given.table_bytes_per_upload / GB
    usd = (writes * prices.DYNAMODB_WRITE_PER_MILLION + reads * prices.DYNAMODB_READ_PER_MILLION
           ) / 1e6 + stored * prices.DYNAMODB_STORAGE_GB
    return Line("DynamoDB (on demand)", usd, f"{writes:,.0f} write units, {reads:,.0f} read "
                f"units, {stored:,.0f} GB stored at month {given.months_kept}")


# The most data nodes the template lets a domain have (SearchInstanceCount's MaxValue in
# template.yaml; AWS's own quota per domain is higher). Past it, larger nodes, not more.
MAX_SEARCH_NODES = 20
# r7g sizes by how many r7g.large each one is worth (vCPUs and on-demand price both double
# with each step).
R7G_SIZES = (("large", 1), ("xlarge", 2), ("2xlarge", 4), ("4xlarge", 8), ("8xlarge", 16),
             ("12xlarge", 24), ("16xlarge", 32))


@dataclass(frozen=True)
class SearchCluster:
    """The domain a size needs: so many nodes of one type, each worth `larges` r7g.large."""

    nodes: int
    instance: str
    larges: int = 1

    def label(self) -> str:
        """As the sizing table shows it: `3 x r7g.large.search`."""
        return f"{self.nodes} x {self.instance}"


def search_nodes(model: Model, traffic: Traffic) -> float:
    """r7g.large data nodes the peak needs (indexing actions, queries)."""
    actions = arrivals.peak_rate(traffic) * model.stream.records_per_upload
    queries = api_rate(model, traffic) * model.views.search_share
    return max(actions / model.search.index_docs_per_second_per_node,
               queries / model.search.queries_per_second_per_node)


def search_cluster(model: Model, traffic: Traffic) -> SearchCluster:
    """One small node while half an r7g.large will do (a trial), else two at least, of the
    smallest r7g size that keeps the count within MAX_SEARCH_NODES."""
    needed = search_nodes(model, traffic)
    if needed <= 0.5:
        return SearchCluster(1, "t3.small.search")
    larges = max(2, math.ceil(needed))
    for size, worth in R7G_SIZES:
        nodes = max(2, math.ceil(larges / worth))
        if nodes <= MAX_SEARCH_NODES or size == R7G_SIZES[-1][0]:
            return SearchCluster(nodes, f"r7g.{size}.search", worth)
    raise AssertionError("unreachable: the last size always returns")


def _search(model: Model, traffic: Traffic, uploads: float, given: Assumptions) -> Line:
    cluster = search_cluster(model, traffic)
    docs = uploads * given.months_kept
    volume = max(10.0, docs * given.index_document_bytes * 2 / GB / cluster.nodes)  # a replica
    hourly = prices.OPENSEARCH_INSTANCE_HOUR.get(
        cluster.instance, prices.OPENSEARCH_INSTANCE_HOUR["r7g.large.search"] * cluster.larges)
    usd = cluster.nodes * (hourly * prices.HOURS_PER_MONTH + volume * prices.OPENSEARCH_GP3_GB)
    return Line("OpenSearch domain", usd, f"{cluster.label()}, {volume:,.0f} GB gp3 each")


def _cloudfront(model: Model, views: float) -> Line:
    gigabytes = views * model.views.bytes_per_view / GB
    requests = views * model.views.edge_requests_per_view
    usd = (prices.tiered(gigabytes, prices.CLOUDFRONT_GB_TIERS)
           + requests / 1e4 * prices.CLOUDFRONT_PER_10K_HTTPS)
    return Line("CloudFront", usd, f"{gigabytes:,.0f} GB out, {requests:,.0f} requests "
                "(PriceClass_100)")


def _cognito(uploads: float, given: Assumptions) -> Line:
    active = uploads / given.uploads_per_contributor_month
    billed = max(0.0, active - prices.COGNITO_FREE_MAU)
    return Line("Cognito", billed * prices.COGNITO_ESSENTIALS_MAU,
                f"{active:,.0f} monthly active contributors (first 10,000 free)")


def _logs(model: Model, uploads: float, views: float, given: Assumptions) -> Line:
    calls = api_calls(model, uploads, views, given)
    invocations = queue_invocations(model, uploads) + calls
    ingested = (invocations * given.log_bytes_per_invocation
                + calls * given.access_log_bytes_per_request) / GB
    stored = ingested * 3  # kept LogRetentionDays (90)
    usd = (ingested * prices.LOGS_INGEST_GB + stored * prices.LOGS_STORED_GB
           + 30 * prices.METRIC_MONTH)
    return Line("CloudWatch", usd, f"{ingested:,.0f} GB of logs ingested, 30 metrics")


def options(model: Model, traffic: Traffic, uploads: float, views: float, given: Assumptions,
            lines: list[Line]) -> list[Option]:
    """Settings that would cost less at this size (each priced on its own)."""
    found: list[Option] = []
    by_service = {line.service: line for line in lines}
    provisioned = provisioned_dynamodb(model, uploads, views, given)
    if provisioned < by_service["DynamoDB (on demand)"].usd:
        found.append(Option("DynamoDB provisioned capacity with auto scaling (70% target)",
                            "DynamoDB (on demand)", provisioned,
                            "follows the daily curve; on demand stays simpler below this size"))
    serverless = _serverless_search(model, traffic)
    found.append(Option("OpenSearch Serverless (SearchEngine=serverless)", "OpenSearch domain",
                        serverless, "OCUs for indexing and search, a standby each in production"))
    cached = replace(model, views=replace(model.views, api_edge_hit_ratio=EDGE_CACHED_SHARE))
    affected = ("Lambda", "API Gateway", "OpenSearch domain", "CloudWatch")
    now = sum(by_service[name].usd for name in affected)
    redone = {line.service: line.usd for line in bill(cached, traffic, given)}
    found.append(Option(f"a ready photo's public API answers cached at the edge for a minute "
                        f"({EDGE_CACHED_SHARE:.0%} of views' calls answered there)",
                        " + ".join(affected), sum(redone[name] for name in affected),
                        f"instead of {now:,.0f}: not in the template yet"))
    return found


def read_units(model: Model, uploads: float, views: float) -> float:
    """Table read units: each upload's (mostly its band queries) and the views' API calls
    that reach the API (only those the edge did not answer read the table)."""
    missed = 1 - model.views.api_edge_hit_ratio
    view_calls = views * model.views.api_calls_per_view * missed
    return uploads * model.read_units_per_upload + api_read_units(model, view_calls)


def provisioned_dynamodb(model: Model, uploads: float, views: float, given: Assumptions
                          ) -> float:
    seconds = given.days * DAY
    mean_writes = uploads * model.write_units_per_upload / seconds
    mean_reads = read_units(model, uploads, views) / seconds
    hours = given.days * 24
    return hours * (mean_writes / 0.7 * prices.DYNAMODB_PROVISIONED_WCU_HOUR
                    + mean_reads / 0.7 * prices.DYNAMODB_PROVISIONED_RCU_HOUR)


def _serverless_search(model: Model, traffic: Traffic) -> float:
    actions = arrivals.peak_rate(traffic) * model.stream.records_per_upload
    queries = api_rate(model, traffic) * model.views.search_share
    indexing = max(0.5, math.ceil(actions / model.search.index_docs_per_second_per_node * 2) / 2)
    search = max(0.5, math.ceil(queries / (model.search.queries_per_second_per_node / 2)))
    standby = 1 if indexing + search <= 1 else 2  # a trial runs without the standby replicas
    return (indexing + search) * standby * prices.OPENSEARCH_OCU_HOUR * prices.HOURS_PER_MONTH


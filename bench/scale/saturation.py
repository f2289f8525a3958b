"""Where each size bends: every resource's load at the day's peak against its limit, and the
setting that moves it. A utilisation of 1 or more is saturated; the largest is the first."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from bench.scale import arrivals
from bench.scale.params import DAY, Model, Traffic

MAX_PARALLELIZATION = 10  # ParallelizationFactor's upper bound (AWS)
API_GATEWAY_ACCOUNT_BURST = 5_000  # the account's default burst per region (AWS)
TEMPLATE_CAP = 10  # IngestMaximumConcurrency's and RenderMaximumConcurrency's default


@dataclass(frozen=True)
class Load:
    """One resource at the peak: what it is asked for, what it allows, what to change."""

    resource: str
    demand: float
    capacity: float
    unit: str
    setting: str

    @property
    def utilisation(self) -> float:
        """Demand over capacity (inf where a capacity is zero)."""
        return self.demand / self.capacity if self.capacity else math.inf


def mean_megapixels(traffic: Traffic) -> float:
    """The photo mix's mean size."""
    total = sum(weight for _, weight in traffic.megapixels)
    return sum(size * weight for size, weight in traffic.megapixels) / total


def burst_rate(traffic: Traffic) -> float:
    """Uploads a second while a contributor's burst lands."""
    return traffic.burst_photos / traffic.burst_seconds if traffic.burst_photos else 0.0


def lane_records_per_second(model: Model) -> float:
    """Stream records one shard lane gets through with full batches."""
    stream = model.stream
    batch_seconds = model.indexer.base_seconds + stream.batch_size * stream.seconds_per_record
    return stream.batch_size / batch_seconds


def needed_concurrency(model: Model, traffic: Traffic, with_burst: bool = False
                       ) -> dict[str, float]:
    """Busy instances at the peak by Little's law (arrival rate x service time), per function;
    `with_burst` adds a contributor's burst on top of the peak."""
    rate = arrivals.peak_rate(traffic) + (burst_rate(traffic) if with_burst else 0.0)
    mp = mean_megapixels(traffic)
    records = rate * model.stream.records_per_upload
    return {
        "ingest": rate * model.ingest.seconds(mp),
        "render": rate * model.renders_per_upload * model.render.seconds(mp),
        "indexer": records / lane_records_per_second(model),
        "api": api_rate(model, traffic) * model.views.api_seconds,
    }


def peak_views_per_second(traffic: Traffic) -> float:
    """Image views a second at the day's peak (views follow the uploads' daily shape)."""
    return traffic.views_per_day / DAY * traffic.peak_to_mean


def api_rate(model: Model, traffic: Traffic) -> float:
    """API requests a second at the peak that the edge does not answer."""
    views = model.views
    misses = 1 - views.api_edge_hit_ratio
    return peak_views_per_second(traffic) * views.api_calls_per_view * misses


def api_read_units(model: Model, api_calls: float) -> float:
    """Table read units `api_calls` answered by the API use."""
    return api_calls * model.views.table_read_units_per_call


def loads(model: Model, traffic: Traffic, shards: int) -> list[Load]:
    """Every resource's load at the peak, the most loaded first."""
    rate = arrivals.peak_rate(traffic)
    need = needed_concurrency(model, traffic)
    views = peak_views_per_second(traffic)
    search = model.search
    limits = model.limits
    lanes = shards * model.stream.parallelization
    rows = [
        Load("ingest concurrency", need["ingest"], model.ingest.max_concurrency, "invocations",
             "IngestMaximumConcurrency"),
        Load("render concurrency", need["render"], model.render.max_concurrency, "invocations",
             "RenderMaximumConcurrency"),
        Load("indexer (batches in flight)", need["indexer"], lanes, "lanes busy",
             "IndexerParallelization"),
        Load("search indexing (bulk actions)", rate * model.stream.records_per_upload,
             search.index_docs_per_second_per_node * search.nodes, "actions/s",
             "SearchInstanceCount / SearchInstanceType"),
        Load("search queries", api_rate(model, traffic) * model.views.search_share,
             search.queries_per_second_per_node * search.nodes, "queries/s",
             "SearchInstanceCount / SearchInstanceType"),
        Load("DynamoDB writes (new on-demand table)", rate * model.write_units_per_upload,
             limits.dynamodb_initial_write_units, "WCU/s", "table warm throughput"),
        Load("DynamoDB reads (new on-demand table)",
             rate * model.read_units_per_upload
             + api_read_units(model, api_rate(model, traffic)),
             limits.dynamodb_initial_read_units,
             "RCU/s", "table warm throughput"),
        Load("API throttle", api_rate(model, traffic), limits.api_throttle_rate, "requests/s",
             "ApiThrottleRate"),
        Load("API Gateway account limit", api_rate(model, traffic), limits.api_gateway_account_rps,
             "requests/s", "a Service Quotas increase"),
        Load("Lambda account concurrency", sum(need.values()), limits.account_concurrency,
             "invocations", "a Service Quotas increase"),
        Load("CloudFront requests", views * model.views.edge_requests_per_view,
             limits.cloudfront_rps, "requests/s", "a Service Quotas increase"),
        Load("S3 PUTs under uploads/", rate * model.s3_puts_per_upload, limits.s3_put_per_prefix,
             "requests/s", "key prefixes"),
    ]
    return sorted(rows, key=lambda row: row.utilisation, reverse=True)


@dataclass(frozen=True)
class Sizing:
    """The settings the model suggests for one size: the pipeline's caps, the API's throttle
    and the account's Lambda concurrency (the search domain is costs.search_cluster)."""

    ingest_cap: int
    render_cap: int
    parallelization: int
    api_rate: int = 50
    api_burst: int = 100
    account_concurrency: int = 1_000

    def label(self) -> str:
        """How the report names these settings."""
        return (f"ingest {self.ingest_cap}, render {self.render_cap}, "
                f"indexer parallelization {self.parallelization}")


def suggested(model: Model, traffic: Traffic, shards: int, headroom: float = 1.5) -> Sizing:
    """Caps that keep the peak plus a burst at 1/headroom of them (never below the template's
    defaults), the stream parallelization that keeps the indexer lanes as loaded, the API
    throttle 30% above the peak's requests (within the account's limits) and the account
    concurrency the peak needs with 15% to spare."""
    need = needed_concurrency(model, traffic, with_burst=True)
    lanes = math.ceil(need["indexer"] * headroom)
    parallel = min(MAX_PARALLELIZATION, max(1, math.ceil(lanes / max(1, shards))))
    limits = model.limits
    rate = min(limits.api_gateway_account_rps, _round_up(api_rate(model, traffic) * 1.3, 50))
    rate = max(limits.api_throttle_rate, rate)
    burst = min(API_GATEWAY_ACCOUNT_BURST, 2 * rate)
    concurrency = max(limits.account_concurrency, _round_up(sum(need.values()) * 1.15, 1_000))
    # Never below the template's defaults: where those already carry the size, keep them.
    return Sizing(max(TEMPLATE_CAP, math.ceil(need["ingest"] * headroom)),
                  max(TEMPLATE_CAP, math.ceil(need["render"] * headroom)), parallel,
                  int(rate), int(burst), int(concurrency))


def _round_up(value: float, step: int) -> float:
    return math.ceil(value / step) * step


def apply(model: Model, sizing: Sizing) -> Model:
    """The model with a sizing's settings."""
    return replace(model, ingest=replace(model.ingest, max_concurrency=sizing.ingest_cap),
                   render=replace(model.render, max_concurrency=sizing.render_cap),
                   stream=replace(model.stream, parallelization=sizing.parallelization))

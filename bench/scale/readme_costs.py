"""The README's "Per 10,000 uploads" table from the measured model.

Each row is the model's numbers for one photo (`Photo`: the README's 24 MP, 5 MB example) at
the README's prices (chalicelib/domain/costs.py, through bench.scale.prices), with its
arithmetic spelled out as the README prints it. `python -m bench.scale --readme` prints the
table; tests/unit/bench/test_readme_costs.py keeps the README's copy equal to it."""

from __future__ import annotations

from dataclasses import dataclass

from bench.scale import prices
from bench.scale.costs import Assumptions, invocations
from bench.scale.measured import master_bytes
from bench.scale.params import Model

MB = 1e6
GB = 1e9
SQS_REQUESTS_PER_MESSAGE = 3  # send, receive, delete (as bench.scale.costs counts them)
NONCURRENT_DAYS = 2  # a deleted master kept as a noncurrent version until lifecycle runs
TIERED_OBJECTS = 2  # the original and the full JPEG move to Intelligent-Tiering at day 30
ASSUMED = Assumptions()  # bench.scale.costs's: 3 API calls an upload


@dataclass(frozen=True)
class Photo:
    """The upload the table prices: the README's example photo."""

    megapixels: float = 24.0
    original_mb: float = 5.0
    full_jpeg_mb: float = 1.2
    renditions_mb: float = 0.65
    unread_tiered_mb: float = 6.2  # the original and the full JPEG, in archive instant access


@dataclass(frozen=True)
class Row:
    """One line of the table: what it is, its arithmetic, dollars and the decimals printed."""

    item: str
    arithmetic: str
    usd: float
    decimals: int = 3

    def printed(self) -> str:
        """The USD cell as the README prints it."""
        return f"{self.usd:.{self.decimals}f}"


GB_SECOND = f"{prices.LAMBDA_GB_SECOND:.10f}"  # as the README prints the price


def _n(value: float) -> str:
    """A count with thousands separators and no needless decimals."""
    return f"{value:,.0f}" if value == round(value) else f"{value:,.2f}".rstrip("0")


def _lambda(gb_seconds: float, invocations: float) -> float:
    return (gb_seconds * prices.LAMBDA_GB_SECOND
            + invocations * prices.LAMBDA_PER_MILLION / 1e6)


def function_rows(model: Model, uploads: int, photo: Photo,
                  given: Assumptions = ASSUMED) -> list[Row]:
    """The Lambda rows: the API, ingest, render and the indexer."""
    mp = photo.megapixels
    calls = uploads * given.api_calls_per_upload
    views = model.views
    api_gbs = calls * views.api_memory_gb * views.api_seconds
    ingest_s = round(model.ingest.seconds(mp), 2)
    ingest_gbs = uploads * model.ingest.memory_gb * ingest_s
    renders = uploads * model.renders_per_upload
    render_s = round(model.render.seconds(mp), 2)
    render_gbs = renders * model.render.memory_gb * render_s
    ingest_calls = invocations(model.ingest, uploads)
    render_calls = invocations(model.render, renders)
    stream = model.stream
    records = uploads * stream.records_per_upload
    batches = records / 2  # at low rates a batch holds a record or two (bench.scale.costs)
    batch_s = model.indexer.base_seconds + 2 * stream.seconds_per_record
    indexer_gbs = batches * model.indexer.memory_gb * batch_s
    return [
        Row("Lambda, API", f"{_n(calls)} x {views.api_memory_gb:g} GB x {views.api_seconds:g} s "
            f"= {api_gbs:,.0f} GB-s x {GB_SECOND} + {_n(calls)} x $0.20/M",
            _lambda(api_gbs, calls)),
        Row("Lambda, ingest", f"{_n(uploads)} x {model.ingest.memory_gb:g} GB x {ingest_s:.2f} s "
            f"({model.ingest.base_seconds:.3f} + {model.ingest.seconds_per_mp:.4f} x {mp:g} MP) "
            f"= {ingest_gbs:,.0f} GB-s x {GB_SECOND} + {_n(ingest_calls)} x $0.20/M",
            _lambda(ingest_gbs, ingest_calls)),
        Row("Lambda, render", f"{_n(renders)} ({model.renders_per_upload} an upload) x "
            f"{model.render.memory_gb:g} GB x {render_s:.2f} s ({model.render.base_seconds:.3f} "
            f"+ {model.render.seconds_per_mp:.4f} x {mp:g} MP) = {render_gbs:,.0f} GB-s x "
            f"{GB_SECOND} + {_n(render_calls)} x $0.20/M",
            _lambda(render_gbs, render_calls)),
        Row("Lambda, indexer", f"{_n(records)} stream records ({stream.records_per_upload} an "
            f"upload) in {_n(batches)} batches of 2 x {model.indexer.memory_gb:g} GB x "
            f"{batch_s:.4f} s ({model.indexer.base_seconds:.3f} + 2 x "
            f"{stream.seconds_per_record:.4f}) = {indexer_gbs:,.0f} GB-s x "
            f"{GB_SECOND} + {_n(batches)} x $0.20/M",
            _lambda(indexer_gbs, batches)),
    ]


def request_rows(model: Model, uploads: int, given: Assumptions = ASSUMED) -> list[Row]:
    """API Gateway, SQS, S3 requests and DynamoDB capacity."""
    calls = uploads * given.api_calls_per_upload
    messages = uploads * (1 + model.renders_per_upload)
    sqs = messages * SQS_REQUESTS_PER_MESSAGE
    writes = uploads * model.s3_puts_per_upload
    reads = uploads * (2 + model.renders_per_upload)  # as bench.scale.costs counts them
    wcu = uploads * model.write_units_per_upload
    rcu = uploads * model.read_units_per_upload
    return [
        Row("API Gateway", f"{_n(calls)} x $3.50/M",
            prices.tiered(calls, prices.API_GATEWAY_TIERS, unit=1e6)),
        Row("SQS", f"{_n(uploads)} x {1 + model.renders_per_upload} messages (1 ingest, "
            f"{model.renders_per_upload} render) x {SQS_REQUESTS_PER_MESSAGE} = {_n(sqs)} x "
            "$0.40/M", sqs * prices.SQS_PER_MILLION / 1e6),
        Row("S3 requests", f"{_n(writes)} writes ({_n(model.s3_puts_per_upload)} an upload) x "
            f"$0.005/1,000 + {_n(reads)} reads ({_n(2 + model.renders_per_upload)}) x "
            "$0.0004/1,000",
            (writes * prices.S3_PUT_PER_THOUSAND + reads * prices.S3_GET_PER_THOUSAND) / 1e3),
        Row("DynamoDB", f"{_n(wcu)} write units ({_n(model.write_units_per_upload)} an upload) "
            f"x $0.625/M + {_n(rcu)} read units ({_n(model.read_units_per_upload)}) x $0.125/M",
            (wcu * prices.DYNAMODB_WRITE_PER_MILLION + rcu * prices.DYNAMODB_READ_PER_MILLION)
            / 1e6),
    ]


def storage_rows(uploads: int, photo: Photo) -> tuple[list[Row], list[Row]]:
    """What an upload leaves in S3: the one-off rows, then the monthly ones."""
    master_mb = round(master_bytes(photo.megapixels) / MB, 1)
    master_gb = uploads * master_mb * MB / GB
    noncurrent = master_gb * NONCURRENT_DAYS / 30
    tiered = uploads * TIERED_OBJECTS
    kept_mb = photo.original_mb + photo.full_jpeg_mb + photo.renditions_mb
    kept_gb = uploads * kept_mb * MB / GB
    monitoring = tiered / 1e3 * prices.S3_IT_MONITORING_PER_THOUSAND
    unread_gb = uploads * photo.unread_tiered_mb * MB / GB
    renditions_gb = uploads * photo.renditions_mb * MB / GB
    once = [
        Row("S3, noncurrent masters", f"{_n(uploads)} x {master_mb:g} MB = {master_gb:g} GB for "
            f"about {NONCURRENT_DAYS} days: {master_gb:g} x {NONCURRENT_DAYS}/30 = "
            f"{noncurrent:.1f} GB-month x ${prices.S3_STANDARD_GB}",
            noncurrent * prices.S3_STANDARD_GB, 2),
        Row("S3, into Intelligent-Tiering at day 30", f"{_n(tiered)} objects (originals, full "
            "JPEGs) x $0.01/1,000", tiered / 1e3 * prices.S3_IT_TRANSITION_PER_THOUSAND, 2),
    ]
    monthly = [
        Row("S3 storage, months 1 and 2", f"{_n(uploads)} x ({photo.original_mb:g} + "
            f"{photo.full_jpeg_mb:g} + {photo.renditions_mb:g} MB) = {kept_gb:g} GB x "
            f"${prices.S3_STANDARD_GB} (+ ${monitoring:.2f} monitoring from day 30)",
            kept_gb * prices.S3_STANDARD_GB, 2),
        Row("S3 storage, a month once unread 90 days", f"{unread_gb:g} GB x "
            f"${prices.S3_IT_ARCHIVE_INSTANT_GB} + {_n(tiered)} x $0.0025/1,000 + "
            f"{renditions_gb:g} GB renditions x ${prices.S3_STANDARD_GB}",
            unread_gb * prices.S3_IT_ARCHIVE_INSTANT_GB + monitoring
            + renditions_gb * prices.S3_STANDARD_GB, 2),
    ]
    return once, monthly


def rows(model: Model, uploads: int = 10_000, photo: Photo = Photo()) -> list[Row]:
    """Every row of the table in the README's order, the one-off total among them."""
    once, monthly = storage_rows(uploads, photo)
    paid_once = [*function_rows(model, uploads, photo), *request_rows(model, uploads), *once]
    total = Row("**total, once**", "", sum(row.usd for row in paid_once), 2)
    return [*paid_once, total, *monthly]


def table(found: list[Row]) -> list[str]:
    """The rows as the README's markdown table (a total's figure in bold too)."""
    lines = ["| item | arithmetic | USD |", "|---|---|---|"]
    for row in found:
        usd = f"**{row.printed()}**" if row.item.startswith("**") else row.printed()
        lines.append(f"| {row.item} | {row.arithmetic} | {usd} |".replace("|  |", "| |"))
    return lines

"""The model's parameters: what one function costs per message, how AWS scales it, and the
limits each size meets. Defaults are AWS's documented behaviour and this repo's measurements
(docs/scale.md names the source of each)."""

from __future__ import annotations

from dataclasses import dataclass, field

from infra.local.sources import declared_batch_sizes  # imports app.py only when called

DAY = 86_400.0


@dataclass(frozen=True)
class Function:
    """One Lambda behind an event-source mapping. Seconds are per message at the configured
    memory: a fixed part (round trips to S3, DynamoDB, SQS) and a part per megapixel."""

    name: str
    base_seconds: float
    seconds_per_mp: float = 0.0
    cold_start_seconds: float = 0.5
    max_concurrency: int = 10
    batch_size: int = 1
    memory_gb: float = 1.769

    def seconds(self, megapixels: float) -> float:
        """Mean service time of one message of a photo of `megapixels`."""
        return self.base_seconds + self.seconds_per_mp * megapixels


@dataclass(frozen=True)
class SqsScaling:
    """How Lambda's SQS mapping adds concurrency (AWS documentation, 2023 onwards: up to 300
    more concurrent invocations a minute, starting from 5 pollers); idle environments are
    reclaimed after some minutes (not documented: 5-15 observed; a parameter)."""

    initial: int = 5
    added_per_minute: int = 300
    idle_reclaim_seconds: float = 600.0
    pickup_seconds: float = 0.05  # a long-polling poller sees a new message


@dataclass(frozen=True)
class Stream:
    """The table's stream to the indexer: one batch in flight per shard (ParallelizationFactor
    1), up to `batch_size` records; an on-demand table has about one shard per partition, a
    partition per 1,000 write units a second of peak (AWS documentation)."""

    delay_seconds: float = 0.3  # a record is readable, and Lambda polls each shard 4x a second
    batch_size: int = 100
    parallelization: int = 1
    write_units_per_partition: float = 1_000.0
    minimum_shards: int = 1
    records_per_upload: int = 4  # writes to the image item per upload (measured: docs/scale.md)
    seconds_per_record: float = 0.004  # the indexer's share of one record in a bulk request


@dataclass(frozen=True)
class Search:
    """The search cluster as the pipeline and the readers see it."""

    refresh_seconds: float = 1.0  # OpenSearch's default refresh interval
    index_docs_per_second_per_node: float = 500.0  # small bulk batches, one doc per image
    queries_per_second_per_node: float = 200.0  # 4 ms p95 on one core here; 2 vCPU, half headroom
    nodes: int = 1


@dataclass(frozen=True)
class Traffic:
    """One size: uploads and image views a day, the daily peak over the mean, the photo mix,
    and a contributor's burst."""

    name: str
    uploads_per_day: float
    views_per_day: float
    peak_to_mean: float = 5.0
    megapixels: tuple[tuple[float, float], ...] = ((1, 0.1), (12, 0.5), (24, 0.3), (50, 0.1))
    burst_photos: int = 500
    burst_seconds: float = 120.0  # the browser sends them over this long
    window_seconds: float = 3_600.0  # simulated around the peak of the day


@dataclass(frozen=True)
class Limits:
    """Account and service limits the model checks utilisation against (AWS defaults)."""

    account_concurrency: int = 1_000
    api_throttle_rate: float = 50.0  # this template's ApiThrottleRate default
    api_gateway_account_rps: float = 10_000.0
    dynamodb_table_write_units: float = 40_000.0
    dynamodb_initial_write_units: float = 4_000.0  # a new on-demand table, before it has peaked
    dynamodb_initial_read_units: float = 12_000.0
    s3_put_per_prefix: float = 3_500.0
    cloudfront_rps: float = 250_000.0


@dataclass(frozen=True)
class Views:
    """What one image view costs the API and the edge (the web app's real requests)."""

    api_calls_per_view: float = 2.0  # a photo page: the image, its similar photos
    api_seconds: float = 0.06
    api_memory_gb: float = 0.5
    # Only /api/search* and /api/suggest* are cached at the edge (10 s); a photo page's calls
    # are not: every one reaches the API.
    api_edge_hit_ratio: float = 0.0
    edge_requests_per_view: float = 25.0  # the page, its API call, 24 thumbnails (or 1 large)
    image_requests_per_view: float = 7.0  # renditions: the photo and its similar photos
    bytes_per_view: float = 250_000.0
    search_share: float = 0.5  # of API calls that reach the search cluster (similar photos)
    # Each call the API answers reads the image item once, strongly consistent (an item under
    # 4 KB: one read unit): the image for its detail, the image before its similar photos.
    table_read_units_per_call: float = 1.0


@dataclass(frozen=True)
class Model:
    """Everything one run of the model needs."""

    ingest: Function
    render: Function
    indexer: Function
    renders_per_upload: int = 1
    sqs: SqsScaling = field(default_factory=SqsScaling)
    stream: Stream = field(default_factory=Stream)
    search: Search = field(default_factory=Search)
    limits: Limits = field(default_factory=Limits)
    views: Views = field(default_factory=Views)
    write_units_per_upload: float = 8.0
    read_units_per_upload: float = 41.0  # measured: bench.scale.measured.read_units
    s3_puts_per_upload: float = 9.0
    notification_seconds: float = 0.5  # S3 event -> message visible on the ingest queue
    service_spread: float = 0.25  # sigma of a message's log-normal service time (0: exact)
    # None: every invocation has an environment of its own (AWS); a number: all functions
    # share that many handler processes (the local stack, bench/scale/local.py)
    workers: int | None = None
    seed: int = 7


def aws_defaults() -> Model:
    """The template's settings today: both queues capped at QueueMaximumConcurrency (10), one
    message an invocation on both queues and up to 100 stream records (app.py's batch sizes),
    1,769 MB for ingest and render, one search node."""
    batch = declared_batch_sizes()
    # Cold starts: `make bench` item 5's import time without cached bytecode (as in Lambda:
    # ingest 0.51 s, render 0.51 s, indexer 0.84 s) plus about 0.25 s for the runtime's start.
    return Model(
        ingest=Function("ingest", base_seconds=0.15, seconds_per_mp=0.012, cold_start_seconds=0.76,
                        max_concurrency=10, batch_size=batch["ingest"]),
        render=Function("render", base_seconds=0.1, seconds_per_mp=0.006, cold_start_seconds=0.76,
                        max_concurrency=10, batch_size=batch["render"]),
        indexer=Function("indexer", base_seconds=0.05, seconds_per_mp=0.0,
                         cold_start_seconds=1.09, memory_gb=0.5),
        stream=Stream(batch_size=batch["indexer"]),
    )


SIZES = (
    Traffic("small", uploads_per_day=1_000, views_per_day=1e5),
    Traffic("medium", uploads_per_day=100_000, views_per_day=1e7),
    Traffic("large", uploads_per_day=1_000_000, views_per_day=1e9, window_seconds=1_200.0),
)


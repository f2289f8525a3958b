"""The prices and per-invocation assumptions of the README's "What it costs" table, in one
place, and the estimate of a reprocess run made with the same arithmetic (a test keeps the
README's listed prices equal to these)."""

from __future__ import annotations

from dataclasses import dataclass

# Public on-demand prices, us-east-1, arm64, no free tier (README "What it costs").
LAMBDA_GB_SECOND = 0.0000133334
LAMBDA_PER_MILLION = 0.20
SQS_PER_MILLION = 0.40
S3_PUT_PER_THOUSAND = 0.005
S3_GET_PER_THOUSAND = 0.0004
DYNAMODB_WRITE_PER_MILLION = 0.625
DYNAMODB_READ_PER_MILLION = 0.125
CLOUDFRONT_INVALIDATION_PATH = 0.005
# Memory and per-message assumptions of the same table.
RENDER_GB = 1.769
INDEXER_GB = 0.5
INDEXER_SECONDS = 0.1
SQS_REQUESTS_PER_MESSAGE = 3  # send, receive, delete
MB = 1_000_000


@dataclass(frozen=True)
class ReprocessAssumptions:
    """What one image's reprocess takes: a render message per public rendition, each decoding
    the kept original (the master is gone once an image is ready) into one rendition, 0.45 s
    (an estimate, not measured: `make bench` item 9 measures an upload's renders, 0.89 s a
    message at 24 MP between the 2048 px rendition from the master and the full-size JPEG
    from the original); the README's 5 MB original and 0.65 MB of public renditions."""

    renditions: int
    render_seconds: float = 0.45
    original_bytes: int = 5 * MB
    rendition_bytes: int = 650_000
    write_units_per_update: int = 2  # the item and its `by_owner` index
    read_units_per_read: int = 1


@dataclass(frozen=True)
class Estimate:
    """Invocations, GB-seconds, requests, bytes and dollars of one reprocess run."""

    images: int
    invocations: int
    gb_seconds: float
    sqs_requests: int
    s3_gets: int
    s3_puts: int
    write_units: int
    read_units: int
    invalidation_paths: int
    bytes_read: int
    bytes_written: int
    dollars: float


def reprocess_estimate(images: int, given: ReprocessAssumptions) -> Estimate:
    """Per image: one render invocation per public rendition (each reads the original, writes
    its rendition, reads the record and writes its progress), one flip write and one indexer
    invocation, one CDN invalidation path; the old renditions' DELETEs are free."""
    renders = images * given.renditions
    gb_seconds = renders * RENDER_GB * given.render_seconds + images * INDEXER_GB * INDEXER_SECONDS
    invocations = renders + images
    sqs = renders * SQS_REQUESTS_PER_MESSAGE
    writes = (renders + images) * given.write_units_per_update
    reads = renders * given.read_units_per_read
    dollars = (
        gb_seconds * LAMBDA_GB_SECOND
        + invocations * LAMBDA_PER_MILLION / 1e6
        + sqs * SQS_PER_MILLION / 1e6
        + renders * S3_PUT_PER_THOUSAND / 1e3
        + renders * S3_GET_PER_THOUSAND / 1e3
        + writes * DYNAMODB_WRITE_PER_MILLION / 1e6
        + reads * DYNAMODB_READ_PER_MILLION / 1e6
        + images * CLOUDFRONT_INVALIDATION_PATH
    )
    return Estimate(
        images, invocations, gb_seconds, sqs, renders, renders, writes, reads, images,
        renders * given.original_bytes, images * given.rendition_bytes, dollars,
    )

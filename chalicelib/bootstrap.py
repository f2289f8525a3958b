"""Composition root: Settings -> Services. The only module naming concrete adapters."""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from chalicelib import config
from chalicelib.adapters import aws
from chalicelib.adapters.clock import SystemClock, new_image_id
from chalicelib.adapters.cloudfront import CloudFrontCdn, NoCdn
from chalicelib.adapters.cognito import CognitoDirectory, CognitoGroups
from chalicelib.adapters.dynamodb.duplicates import DynamoDuplicateIndex
from chalicelib.adapters.dynamodb.insights import DynamoWantedStore
from chalicelib.adapters.dynamodb.names import DynamoNameRegistry
from chalicelib.adapters.dynamodb.repository import DynamoImageRepository
from chalicelib.adapters.dynamodb.stream import image_from_stream
from chalicelib.adapters.s3 import S3BlobStore
from chalicelib.adapters.secrets import SecretsManagerReader
from chalicelib.adapters.sqs import SqsIngestQueue, SqsRenderQueue
from chalicelib.adapters.wanted_buffer import BufferedWantedCounter
from chalicelib.auth.origin import OriginGuard
from chalicelib.logs import child_logger
from chalicelib.services.deps import Deps

if TYPE_CHECKING:
    from collections.abc import Callable

    from chalicelib.adapters.faults import FaultInjector
    from chalicelib.auth.tokens import TokenVerifier
    from chalicelib.faultplan import FaultPlan
    from chalicelib.ports import (
        Cdn,
        Checkpoint,
        GroupMembership,
        ImageProcessor,
        NameRegistry,
        SearchIndex,
        UserDirectory,
        WantedCounter,
        WantedStore,
    )


@dataclass
class Services:
    """Everything entrypoints need, built once per Lambda container."""

    settings: config.Settings
    deps: Deps
    verifier: TokenVerifier
    directory: UserDirectory | None = None
    memberships: GroupMembership | None = None
    faults: FaultInjector | None = None  # only with FAULT_INJECTION (local): what it injected
    # Only the API's env names the origin-verify secret; None means every request is admitted.
    origin_guard: OriginGuard | None = None
    names: NameRegistry | None = None  # who holds which public display name
    # Searches nobody could satisfy: the daily counts, and the in-memory counter in front.
    wanted_store: WantedStore | None = None
    wanted_counter: WantedCounter | None = None


_current: Services | None = None
log = child_logger(__name__)


@functools.lru_cache(maxsize=1)
def _vips(max_pixels: int, max_side: int) -> ImageProcessor:
    # Imported lazily: only ingest and render carry the imaging layer.
    from chalicelib.adapters.imaging.vips import VipsProcessor

    return VipsProcessor(max_pixels=max_pixels, max_side=max_side)


@functools.lru_cache(maxsize=4)
def _search(
    backend: str, path: str, endpoint: str, service: str, region: str,
    reader_roles: tuple[str, ...] = (),
    writer_roles: tuple[str, ...] = (),
) -> SearchIndex:
    # Imported lazily: only the chosen engine's library is loaded.
    if backend == "embedded":
        from pathlib import Path

        from chalicelib.adapters.search.embedded import EmbeddedSearchIndex

        return EmbeddedSearchIndex(Path(path))
    if backend == "opensearch":
        from chalicelib.adapters.search.opensearch import OpenSearchIndex, connect

        return OpenSearchIndex(
            connect(endpoint, region, service), reader_roles=reader_roles,
            writer_roles=writer_roles,
        )
    raise ValueError(f"SEARCH_BACKEND must be embedded or opensearch, not {backend!r}")


def _cdn(settings: config.Settings) -> Cdn:
    if not settings.cdn_distribution_id:
        return NoCdn()
    # CloudFront is a global service: its API lives in us-east-1 whatever the stack's region.
    make = functools.partial(aws.client, "cloudfront", "us-east-1", settings.endpoint_url)
    return CloudFrontCdn(make, settings.cdn_distribution_id)


def _secrets(settings: config.Settings) -> SecretsManagerReader:
    make = functools.partial(aws.client, "secretsmanager", settings.region, settings.endpoint_url)
    return SecretsManagerReader(aws.LazyClient(make))


def _cursor_secret(
    settings: config.Settings, secrets: SecretsManagerReader
) -> Callable[[], bytes]:
    """The key signing search cursors: from Secrets Manager when its ARN is set (Lambda),
    read once on first use (only the API signs cursors, and only its role may read the key);
    else the local value from the environment."""
    arn = settings.cursor_secret_arn
    if not arn:
        return functools.partial(bytes, settings.cursor_secret)
    return functools.cache(lambda: secrets.current(arn).encode())


def _origin_guard(settings: config.Settings, secrets: SecretsManagerReader) -> OriginGuard | None:
    arn = settings.origin_verify_secret_arn
    if not arn:
        return None
    load = functools.partial(secrets.current_and_previous, arn)
    return OriginGuard(load, settings.origin_verify_refresh_seconds)


def build(settings: config.Settings) -> Services:
    """Wire real adapters for these settings."""
    from chalicelib.auth.tokens import TokenVerifier

    s3 = aws.client("s3", settings.region, settings.endpoint_url)
    sqs = aws.client("sqs", settings.region, settings.endpoint_url)
    secrets = _secrets(settings)
    deps = Deps(
        repo=DynamoImageRepository(
            settings.images_table, settings.region, settings.quotas_table
        ),
        stream_decoder=image_from_stream,
        uploads=S3BlobStore(s3, settings.uploads_bucket),
        renditions=S3BlobStore(s3, settings.renditions_bucket, settings.renditions_base_url),
        queue=SqsRenderQueue(sqs, settings.render_queue_url),
        processor=functools.partial(_vips, settings.limits.max_pixels, settings.limits.max_side),
        clock=SystemClock(),
        limits=settings.limits,
        profile=settings.profile,
        new_id=new_image_id,
        search_index=functools.partial(
            _search,
            settings.search_backend,
            settings.search_index_path,
            settings.opensearch_endpoint,
            settings.opensearch_service,
            settings.region,
            settings.opensearch_reader_roles,
            settings.opensearch_writer_roles,
        ),
        cursor_secret=_cursor_secret(settings, secrets),
        originals=S3BlobStore(s3, settings.originals_bucket),
        cdn=_cdn(settings),
        ingest_queue=SqsIngestQueue(sqs, settings.ingest_queue_url, settings.uploads_bucket),
        duplicates=DynamoDuplicateIndex(settings.duplicates_table, settings.region),
        site_name=settings.site_name,
    )
    deps, injector = with_faults(deps, settings.fault_plan)
    verifier = TokenVerifier(settings.jwks_url, settings.issuer, settings.app_client_ids)
    # settings.region is the function's own; template.yaml makes the user pool in the same
    # stack, so it is the pool's region too (the trigger event's `region`).
    cognito = functools.partial(
        aws.client, "cognito-idp", settings.region, settings.endpoint_url
    )
    names = DynamoNameRegistry(settings.profiles_table, settings.region)
    wanted_store = DynamoWantedStore(settings.insights_table, settings.region)
    return Services(
        settings, deps, verifier, CognitoDirectory(cognito), CognitoGroups(cognito), injector,
        _origin_guard(settings, secrets),
        names=names,
        wanted_store=wanted_store,
        wanted_counter=wanted_counter(wanted_store, settings),
    )


def wanted_counter(store: WantedStore, settings: config.Settings) -> WantedCounter:
    """The in-memory counter in front of the store, its writer thread started on first use."""
    policy = settings.limits.wanted
    return BufferedWantedCounter(
        store, policy.keep_days, policy.flush_seconds, policy.flush_entries, policy.max_buffered
    )


def with_faults(deps: Deps, plan: FaultPlan | None) -> tuple[Deps, FaultInjector | None]:
    """The same ports behind fault-injecting proxies when a plan is given (local only)."""
    if plan is None:
        return deps, None
    from chalicelib.adapters.faults import FaultInjector

    injector = FaultInjector(plan)
    return wrap_ports(deps, injector), injector


def wrap_ports(deps: Deps, injector: FaultInjector) -> Deps:
    """Every port that calls a service, behind the injector's proxies."""
    from chalicelib.adapters import faults

    index = deps.search_index
    return dataclasses.replace(
        deps,
        repo=faults.repository(deps.repo, injector),
        uploads=faults.blobs(deps.uploads, injector, "uploads"),
        renditions=faults.blobs(deps.renditions, injector, "renditions"),
        originals=faults.blobs(deps.originals, injector, "originals"),
        queue=faults.queue(deps.queue, injector),
        ingest_queue=faults.ingest_queue(deps.ingest_queue, injector),
        search_index=lambda: faults.search(index(), injector),
    )


def services() -> Services:
    """The container's Services, built on first use."""
    global _current
    if _current is None:
        _current = build(config.load())
        log.info("services built", extra={"wiring": wiring(_current.settings)})
    return _current


def checkpoint(path: Path) -> Checkpoint:
    """Where an operator command keeps its place (a JSON file on the operator's machine)."""
    from chalicelib.adapters.checkpoint import FileCheckpoint

    return FileCheckpoint(path)


def wiring(settings: config.Settings) -> dict[str, str]:
    """Where the keys and engines come from, for the startup log line: names, never values."""
    return {
        "search_backend": settings.search_backend,
        "cursor_key": "secrets-manager" if settings.cursor_secret_arn else "environment",
        "origin_check": "on" if settings.origin_verify_secret_arn else "off",
        "fault_injection": "on" if settings.fault_plan else "off",
    }


def override(replacement: Services | None) -> None:
    """Swap the Services (tests, local tools); None rebuilds from the environment."""
    global _current
    _current = replacement

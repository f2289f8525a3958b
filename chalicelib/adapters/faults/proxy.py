"""One generic proxy, made for each port kind: passes calls to the real adapter, and fails
the ones the injector picks with the error that service really gives."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from chalicelib.adapters.faults import errors
from chalicelib.adapters.faults.injector import FaultInjector
from chalicelib.faultplan import LOST_RACE, PORT_METHODS
from chalicelib.ports import BlobStore, ImageRepository, IngestQueue, RenderQueue, SearchIndex

RAISES: dict[str, Callable[[str, str], Exception]] = {
    "s3_slowdown": errors.s3_slowdown,
    "s3_timeout": errors.s3_timeout,
    "dynamodb_throttle": errors.dynamodb_throttle,
    "sqs_send": errors.sqs_send,
    "search_down": errors.search_down,
}
# A timeout on these lands the write and loses the answer (the caller cannot tell).
LANDS_THEN_TIMES_OUT = ("put", "delete", "delete_version", "purge")


class FaultyPort:
    """Any port: attributes pass through; calls to the port's methods may fail first."""

    def __init__(
        self, real: Any, injector: FaultInjector, port: str, target: str, where: str
    ) -> None:
        self._real, self._injector = real, injector
        self._port, self._target, self._where = port, target, where

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._real, name)
        if name not in PORT_METHODS[self._port] or not callable(value):
            return value

        def call(*args: Any, **kwargs: Any) -> Any:
            kind = self._injector.decide(self._port, self._target, name)
            if kind is None:
                return value(*args, **kwargs)
            if kind == "dynamodb_race":
                return LOST_RACE[name]  # as if another writer's condition won first
            if kind == "s3_timeout" and name in LANDS_THEN_TIMES_OUT:
                value(*args, **kwargs)
            raise RAISES[kind](name, self._where)

        return call


def repository(real: ImageRepository, injector: FaultInjector) -> ImageRepository:
    """The images table, with throttling and lost races."""
    meta = getattr(getattr(real, "record", None), "Meta", None)
    table = str(getattr(meta, "table_name", "images"))
    return cast(ImageRepository, FaultyPort(real, injector, "repository", "images", table))


def blobs(real: BlobStore, injector: FaultInjector, target: str) -> BlobStore:
    """One bucket (`target`: uploads, renditions or originals), with SlowDown and timeouts."""
    bucket = str(getattr(real, "bucket", target))
    return cast(BlobStore, FaultyPort(real, injector, "blobs", target, bucket))


def queue(real: RenderQueue, injector: FaultInjector) -> RenderQueue:
    """The render fan-out, with refused sends."""
    where = str(getattr(real, "queue_url", "render"))
    return cast(RenderQueue, FaultyPort(real, injector, "queue", "render", where))


def ingest_queue(real: IngestQueue, injector: FaultInjector) -> IngestQueue:
    """The sweeper's way back into ingest, with refused sends."""
    where = str(getattr(real, "queue_url", "ingest"))
    return cast(IngestQueue, FaultyPort(real, injector, "queue", "ingest", where))


def search(real: SearchIndex, injector: FaultInjector) -> SearchIndex:
    """The search engine, refusing connections."""
    return cast(SearchIndex, FaultyPort(real, injector, "search", "search", "search-engine:443"))

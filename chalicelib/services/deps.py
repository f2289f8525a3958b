"""What every use case receives: ports and settings, nothing concrete."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from chalicelib.domain.limits import Limits
from chalicelib.domain.renditions import RenditionSpec
from chalicelib.ports import (
    BlobStore,
    Clock,
    ImageProcessor,
    ImageRepository,
    RenderQueue,
    SearchIndex,
    StreamDecoder,
)


@dataclass
class Deps:
    """The use cases' view of the world; built by bootstrap, faked in tests."""

    repo: ImageRepository
    stream_decoder: StreamDecoder
    uploads: BlobStore
    renditions: BlobStore
    queue: RenderQueue
    processor: Callable[[], ImageProcessor]
    clock: Clock
    limits: Limits
    profile: tuple[RenditionSpec, ...]
    new_id: Callable[[], str]
    search_index: Callable[[], SearchIndex]
    cursor_secret: bytes

    def now(self) -> str:
        """Now as a sortable ISO-8601 UTC string with microseconds."""
        return self.clock.now().strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    def spec(self, name: str) -> RenditionSpec | None:
        """The profile entry called `name`, if any."""
        return next((s for s in self.profile if s.name == name), None)

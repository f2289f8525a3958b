"""What every use case receives: ports and settings, nothing concrete."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from chalicelib.domain.limits import Limits
from chalicelib.domain.model import STAMP_FORMAT
from chalicelib.domain.renditions import FULL, RenditionSpec, profile_version
from chalicelib.ports import (
    BlobStore,
    Cdn,
    Clock,
    DuplicateIndex,
    ImageProcessor,
    ImageRepository,
    IngestQueue,
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
    cursor_secret: Callable[[], bytes]  # read on first use (Secrets Manager in AWS)
    originals: BlobStore  # private: accepted originals and the full-size downloads
    cdn: Cdn
    ingest_queue: IngestQueue  # where the sweeper re-sends an upload's notification
    duplicates: DuplicateIndex  # the perceptual hashes' band index (near duplicates)
    site_name: str = "Stock Images"

    def now(self) -> str:
        """Now as a sortable ISO-8601 UTC string with microseconds."""
        return self.clock.now().strftime(STAMP_FORMAT)

    @property
    def profile_version(self) -> str:
        """The version of the profile deployed now (derived from its content)."""
        return profile_version(self.profile)

    def spec(self, name: str) -> RenditionSpec | None:
        """The rendition called `name` (a profile entry, or the full-size download), if any."""
        if name == FULL.name:
            return FULL
        return next((s for s in self.profile if s.name == name), None)

    def rendition_names(self) -> list[str]:
        """Every rendition an image is ready with: the public profile and the full download."""
        return [*(spec.name for spec in self.profile), FULL.name]

"""The fake repository's rendition-profile writes, guarded like the table's."""

from __future__ import annotations

import copy
import threading
from collections.abc import Mapping
from dataclasses import replace

from chalicelib.domain.model import Image, NextProfile, Rendition, Status, retired_by_flip
from chalicelib.ports import Page


class FakeProfiles:
    """Mixed into FakeRepo (which provides `items` and `_lock`)."""

    items: dict[str, Image]
    _lock: threading.Lock

    def add_next_rendition(self, image_id: str, version: str, rendition: Rendition) -> Image | None:
        """Record one rendition of `version`; None unless ready and not already on it."""
        with self._lock:
            image = self.items.get(image_id)
            if image is None or image.status is not Status.READY:
                return None
            if image.profile_version == version:
                return None
            progress = image.next_profile
            if progress is None or progress.version != version:
                progress = NextProfile(version)
            renditions = {**progress.renditions, rendition.name: rendition}
            image.next_profile = NextProfile(version, renditions)
            return copy.deepcopy(image)

    def flip_profile(
        self, image_id: str, version: str, renditions: Mapping[str, Rendition], now: str
    ) -> Image | None:
        """The one write that moves a ready image to `version`."""
        with self._lock:
            image = self.items.get(image_id)
            if image is None or image.status is not Status.READY:
                return None
            if image.next_profile is None or image.next_profile.version != version:
                return None
            retiring = retired_by_flip(image, renditions)
            flipped = replace(
                image, renditions=dict(renditions), profile_version=version, next_profile=None,
                updated_at=now, version=image.version + 1, retiring=retiring,
                retiring_since=now if retiring else "",
            )
            self.items[image_id] = flipped
            return copy.deepcopy(flipped)

    def ready_on_older_profile(
        self, version: str, limit: int, cursor: str | None = None
    ) -> Page:
        """Ready images on another version, `limit` ids read per page, in id order."""
        with self._lock:
            ids = sorted(i for i in self.items if cursor is None or i > cursor)
            chunk = ids[:limit]
            found = [copy.deepcopy(self.items[i]) for i in chunk]
        items = [i for i in found if i.status is Status.READY and i.profile_version != version]
        return Page(items, chunk[-1] if len(ids) > limit else None)


class FakeCheckpoint:
    """A checkpoint in memory; `saves` counts the writes."""

    def __init__(self) -> None:
        self.state: dict[str, object] | None = None
        self.saves = 0

    def load(self) -> dict[str, object] | None:
        """The state saved last."""
        return None if self.state is None else dict(self.state)

    def save(self, state: dict[str, object]) -> None:
        """Replace it."""
        self.state = dict(state)
        self.saves += 1

    def clear(self) -> None:
        """Forget it."""
        self.state = None

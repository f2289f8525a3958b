"""The images table's rendition-profile writes: a reprocess's progress, the one write that
flips an image to a new profile version, and the scan that finds images on older ones."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pynamodb.expressions.condition import Condition

from chalicelib.adapters.dynamodb.mapping import as_image, decode_key, encode_cursor
from chalicelib.domain.model import (
    Image,
    NextProfile,
    Rendition,
    Status,
    renditions_json,
    retired_by_flip,
)
from chalicelib.ports import Page

_TABLE_KEY = {"image_id"}
# Starting a reprocess, then adding to it: a second rendition of the same version finds the
# first's write and adds beside it; a newer version replaces an older one's progress.
_ATTEMPTS = 3


class Profiles:
    """Mixed into DynamoImageRepository (which provides `record`, `_update`, `get`)."""

    record: Any
    _update: Callable[[str, list[Any], Condition], Image | None]
    get: Callable[[str], Image | None]

    def add_next_rendition(self, image_id: str, version: str, rendition: Rendition) -> Image | None:
        """Record one rendition of profile `version` cut by a reprocess (the record version
        stays: nothing shown changes); None unless the image is ready and not already on it."""
        r = self.record
        ready = (r.status == Status.READY.value) & (
            r.profile_version.does_not_exist() | (r.profile_version != version)
        )
        same = r.next_profile["version"] == version
        for _ in range(_ATTEMPTS):
            added = self._update(
                image_id, [r.next_profile["renditions"][rendition.name].set(rendition.as_json())],
                ready & same,
            )
            if added is not None:
                return added
            fresh = NextProfile(version, {rendition.name: rendition}).as_json()
            started = self._update(
                image_id, [r.next_profile.set(fresh)],
                ready & (r.next_profile.does_not_exist() | (r.next_profile["version"] != version)),
            )
            if started is not None:
                return started
        return None

    def flip_profile(
        self, image_id: str, version: str, renditions: Mapping[str, Rendition], now: str
    ) -> Image | None:
        """The one write that moves a ready image to profile `version`: its renditions become
        `renditions`, the ones they replace are recorded as retiring since `now` (removed by
        the sweeper after the grace), the reprocess's progress goes, the record version moves
        (so the index takes the new renditions); None unless it is ready and that reprocess
        is under way. The retiring keys come from the record read just before, so the write
        is conditional on its version (another write meanwhile: read again)."""
        r = self.record
        for _ in range(_ATTEMPTS):
            image = self.get(image_id)
            if image is None or image.next_profile is None:
                return None
            retiring = list(retired_by_flip(image, renditions))
            actions = [
                r.renditions.set(renditions_json(renditions)), r.profile_version.set(version),
                r.next_profile.remove(), r.updated_at.set(now), r.version.add(1),
                r.retiring.set(retiring) if retiring else r.retiring.remove(),
                r.retiring_since.set(now) if retiring else r.retiring_since.remove(),
            ]
            condition = ((r.status == Status.READY.value)
                         & (r.next_profile["version"] == version))
            flipped = self._update(image_id, actions, condition & (r.version == image.version))
            if flipped is not None:
                return flipped
        return None

    def ready_on_older_profile(
        self, version: str, limit: int, cursor: str | None = None
    ) -> Page:
        """Ready images whose renditions were cut with another profile version than `version`
        (or none), by a filtered table scan, at most `limit` items read per page; the cursor
        is None once the scan is through (a page may be empty before that)."""
        r = self.record
        start = decode_key(cursor, _TABLE_KEY) if cursor else None
        older = (r.status == Status.READY.value) & (
            r.profile_version.does_not_exist() | (r.profile_version != version)
        )
        result = r.scan(older, limit=limit, page_size=limit, last_evaluated_key=start)
        items = [as_image(item) for item in result]
        last = result.last_evaluated_key
        return Page(items, encode_cursor(last) if last else None)

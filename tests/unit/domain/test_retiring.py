"""A profile flip's replaced renditions: claimed for the grace after the flip, then not."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from chalicelib.domain.model import Image, Rendition, Status, retired_by_flip

IMAGE_ID = "cd" * 16
FLIP = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
GRACE = timedelta(hours=24)


def _rendition(name: str, version: str) -> Rendition:
    return Rendition(name, f"{IMAGE_ID}/{version}/{name}.webp", 10, 5, "webp", 3)


def _flipped() -> Image:
    """Shows v2's thumb; v1's thumb was replaced at FLIP."""
    return Image(
        IMAGE_ID, "sub", "name", Status.READY, "2026-01-01T00:00:00Z",
        renditions={"thumb": _rendition("thumb", "v2")}, profile_version="v2",
        retiring=(_rendition("thumb", "v1").key,), retiring_since="2026-12-07T10:00:00.000000Z",
    )


def test_retiring_keys_are_claimed_within_the_grace() -> None:
    image, old = _flipped(), _rendition("thumb", "v1").key
    assert old in image.claimed_keys_at(FLIP, GRACE)
    assert old in image.claimed_keys_at(FLIP + GRACE - timedelta(seconds=1), GRACE)


def test_retiring_keys_are_unclaimed_after_the_grace_and_the_shown_ones_stay() -> None:
    image = _flipped()
    claimed = image.claimed_keys_at(FLIP + GRACE, GRACE)
    assert claimed == {_rendition("thumb", "v2").key}
    assert image.claimed_keys_at(FLIP, timedelta(0)) == claimed  # a grace of 0: at once


def test_the_record_still_names_them_for_removal() -> None:
    assert _rendition("thumb", "v1").key in _flipped().claimed_keys


def test_a_deleted_or_rejected_image_holds_no_retiring_key() -> None:
    for status in (Status.DELETED, Status.REJECTED):
        image = replace(_flipped(), status=status, renditions={})
        assert image.claimed_keys_at(FLIP, GRACE) == set()


def test_without_a_recorded_time_they_are_kept() -> None:
    image = replace(_flipped(), retiring_since="")
    assert _rendition("thumb", "v1").key in image.claimed_keys_at(FLIP + 100 * GRACE, GRACE)


def test_a_flip_retires_what_it_replaces_and_what_was_retiring_less_what_it_shows() -> None:
    image = replace(_flipped(), retiring=(_rendition("thumb", "v1").key, "x/legacy.webp"))
    back_to_v1 = {"thumb": _rendition("thumb", "v1")}
    assert retired_by_flip(image, back_to_v1) == tuple(
        sorted({_rendition("thumb", "v2").key, "x/legacy.webp"})
    )

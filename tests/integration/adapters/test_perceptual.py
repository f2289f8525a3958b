"""Perceptual hashes on real photos through ingest's decode: edits stay near, photos stay apart."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import pyvips

from chalicelib.adapters.imaging import perceptual
from chalicelib.adapters.imaging.vips import VipsProcessor
from chalicelib.domain.duplicates import DuplicatePolicy, hamming
from chalicelib.ports import Master
from tests.images import fmt_of

SAMPLES = Path(__file__).resolve().parents[3] / "infra" / "local" / "samples"
PHOTOS = ("chelsea-the-cat.jpg", "espresso-cup.jpg", "human-retina.jpg")
LIMIT = DuplicatePolicy().max_distance
# Computed once with libvips 8.18.7 (pyvips-binary) from chelsea-the-cat.jpg's master; a change
# here means every stored hash would stop matching new uploads: re-hash, or keep the old way.
GOLDEN = {"dhash": "0414589a9bcf8787", "phash": "3d39285d98f525c3"}


def master_of(data: bytes) -> Master:
    """The master as ingest makes it (kept in memory, not stored)."""
    return VipsProcessor().make_master(data, fmt_of(data), 2048, 30.0, store=False)


def hashes(data: bytes) -> perceptual.PerceptualHashes:
    return perceptual.of_master(master_of(data))


def crop(image: Any, fraction: float) -> Any:
    dx, dy = round(image.width * fraction), round(image.height * fraction)
    return image.crop(dx, dy, image.width - 2 * dx, image.height - 2 * dy)


EDITS: dict[str, Callable[[Any], bytes]] = {
    "resize 50%": lambda im: im.resize(0.5).jpegsave_buffer(Q=90),
    "jpeg q50": lambda im: im.jpegsave_buffer(Q=50),
    "crop 1% each border": lambda im: crop(im, 0.01).jpegsave_buffer(Q=90),
    "png": lambda im: im.pngsave_buffer(),
    "webp": lambda im: im.webpsave_buffer(Q=80),
}


@pytest.fixture(scope="module")
def originals() -> dict[str, bytes]:
    return {name: (SAMPLES / name).read_bytes() for name in PHOTOS}


@pytest.mark.parametrize("photo", PHOTOS)
@pytest.mark.parametrize("edit", list(EDITS))
def test_an_edited_copy_stays_within_the_threshold(
    originals: dict[str, bytes], photo: str, edit: str
) -> None:
    # GIVEN a real photo and a copy resized, recompressed, cropped a little or converted
    data = originals[photo]
    copy = bytes(EDITS[edit](pyvips.Image.new_from_buffer(data, "")))
    # THEN the hash ingest judges by puts them within the duplicate threshold
    first, second = master_of(data), master_of(copy)
    distance = hamming(perceptual.duplicate_hash(first), perceptual.duplicate_hash(second))
    assert distance <= LIMIT, f"{photo} {edit}: {distance}"


def test_different_photos_are_far_apart(originals: dict[str, bytes]) -> None:
    found = {name: hashes(data) for name, data in originals.items()}
    names = list(found)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            assert hamming(found[a].phash, found[b].phash) > LIMIT, (a, b)
            assert hamming(found[a].dhash, found[b].dhash) > LIMIT, (a, b)


def test_a_mirrored_photo_is_another_picture(originals: dict[str, bytes]) -> None:
    data = originals["chelsea-the-cat.jpg"]
    mirrored = bytes(pyvips.Image.new_from_buffer(data, "").fliphor().jpegsave_buffer(Q=90))
    assert hamming(hashes(data).phash, hashes(mirrored).phash) > LIMIT


def test_both_hashes_are_stable_and_match_the_golden_values(originals: dict[str, bytes]) -> None:
    data = originals["chelsea-the-cat.jpg"]
    first, again = hashes(data), hashes(data)
    assert first == again
    assert perceptual.hex64(first.dhash) == GOLDEN["dhash"]
    assert perceptual.hex64(first.phash) == GOLDEN["phash"]


def test_a_stored_master_hashes_like_the_one_in_memory(originals: dict[str, bytes]) -> None:
    data = originals["espresso-cup.jpg"]
    made = VipsProcessor().make_master(data, fmt_of(data), 2048, 30.0)
    assert perceptual.of_master(Master(made.data, made.width, made.height)) == (
        perceptual.of_master(made)
    )


def test_grey_and_transparent_pictures_hash_without_error() -> None:
    grey = pyvips.Image.black(64, 48).draw_rect(200, 8, 8, 20, 20, fill=True)
    alpha = grey.bandjoin([grey, grey, grey.new_from_image(255)])
    assert perceptual.of_image(grey) == perceptual.of_image(alpha.copy(interpretation="srgb"))

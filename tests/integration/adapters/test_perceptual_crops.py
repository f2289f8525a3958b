"""Inner-crop hashes on real photos through ingest's decode: a cropped copy's full hash is near
the original's matching crop hash, and far from other photos' crops."""

from __future__ import annotations

from typing import Any

import pytest
import pyvips

from chalicelib.adapters.imaging import perceptual
from chalicelib.domain.duplicates import DuplicatePolicy, crop_box, hamming
from tests.integration.adapters.test_perceptual import PHOTOS, SAMPLES, master_of

LIMIT = DuplicatePolicy().crop_distance
CROPS = ("c94", "c88", "l95", "r95")


def _crops(data: bytes) -> dict[str, int]:
    master = master_of(data)
    return dict(zip(CROPS, perceptual.crop_phashes(master, [crop_box(c) for c in CROPS]),
                    strict=True))


def _cut(data: bytes, left: float, top: float, right: float, bottom: float) -> bytes:
    image: Any = pyvips.Image.new_from_buffer(data, "")
    x0, y0 = round(image.width * left), round(image.height * top)
    x1, y1 = image.width - round(image.width * right), image.height - round(image.height * bottom)
    return bytes(image.crop(x0, y0, x1 - x0, y1 - y0).jpegsave_buffer(Q=90, keep="none"))


@pytest.mark.parametrize("photo", PHOTOS)
@pytest.mark.parametrize(("cut", "crop"), [
    ((0.03, 0.03, 0.03, 0.03), "c94"),
    ((0.06, 0.06, 0.06, 0.06), "c88"),
    ((0.05, 0.0, 0.0, 0.0), "r95"),
    ((0.0, 0.0, 0.05, 0.0), "l95"),
])
def test_a_cropped_copy_is_near_the_originals_matching_crop(
    photo: str, cut: tuple[float, float, float, float], crop: str
) -> None:
    data = (SAMPLES / photo).read_bytes()
    copy = perceptual.duplicate_hash(master_of(_cut(data, *cut)))
    assert hamming(copy, _crops(data)[crop]) <= LIMIT


def test_crops_of_different_photos_stay_far_from_each_others_full_hash() -> None:
    datas = [(SAMPLES / photo).read_bytes() for photo in PHOTOS]
    fulls = [perceptual.duplicate_hash(master_of(d)) for d in datas]
    crops = [_crops(d) for d in datas]
    for i, full in enumerate(fulls):
        for j, theirs in enumerate(crops):
            if i != j:
                assert min(hamming(full, value) for value in theirs.values()) > 2 * LIMIT

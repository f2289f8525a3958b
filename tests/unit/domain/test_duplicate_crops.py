"""Crop-tolerant duplicate keys: crop names, and which (upload, indexed entry) pairs match."""

from __future__ import annotations

import pytest

from chalicelib.domain.duplicates import DuplicatePolicy, crop_box, crop_match

FULL = 0xF0E1_D2C3_B4A5_9687
POLICY = DuplicatePolicy(max_distance=7, crop_distance=5)


def test_crop_names_give_their_boxes() -> None:
    assert crop_box("c94") == pytest.approx((0.03, 0.03, 0.97, 0.97))
    assert crop_box("l95") == pytest.approx((0.0, 0.0, 0.95, 1.0))
    assert crop_box("r95") == pytest.approx((0.05, 0.0, 1.0, 1.0))
    assert crop_box("b90") == pytest.approx((0.0, 0.1, 1.0, 1.0))


@pytest.mark.parametrize("name", ["x94", "c", "c100", "c40", "c9x"])
def test_a_bad_crop_name_is_refused(name: str) -> None:
    with pytest.raises(ValueError):
        crop_box(name)
    with pytest.raises(ValueError):
        DuplicatePolicy(crops=(name,))


def test_a_crop_distance_beyond_the_reach_is_refused() -> None:
    with pytest.raises(ValueError):
        DuplicatePolicy(max_distance=7, crop_distance=8)


def test_full_against_full_counts_within_the_distance() -> None:
    assert crop_match(FULL, {}, "", FULL ^ 0b111_1111, POLICY) == 7
    assert crop_match(FULL, {}, "", FULL ^ 0xFF, POLICY) is None


def test_an_upload_matches_an_indexed_crop_within_the_crop_distance() -> None:
    # The upload is a crop of an indexed picture: its full hash is near that picture's crop.
    assert crop_match(FULL, {}, "c94", FULL ^ 0b1_1111, POLICY) == 5
    assert crop_match(FULL, {}, "c94", FULL ^ 0b11_1111, POLICY) is None  # 6 > 5


def test_an_upload_crop_matches_an_indexed_full_hash_within_the_crop_distance() -> None:
    # The indexed picture is a crop of the upload: one of the upload's crops is near it.
    far = FULL ^ 0xFFFF_FFFF
    assert crop_match(far, {"c94": FULL ^ 0b11, "c88": FULL}, "", FULL, POLICY) == 0
    assert crop_match(far, {"c94": FULL ^ 0b11_1111}, "", FULL, POLICY) is None

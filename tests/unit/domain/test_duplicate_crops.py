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


def test_the_report_groups_a_crop_with_its_photo_through_the_crop_hashes() -> None:
    from chalicelib.domain.dedupe_groups import Hashed, groups

    inner = 0x0F1E_2D3C_4B5A_6978
    photo = Hashed("a", "alice", "sha-a", FULL, crops=(("c94", inner),))
    cropped = Hashed("b", "alice", "sha-b", inner ^ 0b11)
    other = Hashed("c", "alice", "sha-c", 0x5555_AAAA_5555_AAAA)
    found = groups([photo, cropped, other], POLICY)
    assert [[m.image_id for m in g.members] for g in found] == [["a", "b"]]
    # Probing with crops too finds the same group.
    both = DuplicatePolicy(max_distance=7, crop_distance=5, lookup_crops=True)
    assert [[m.image_id for m in g.members] for g in groups([photo, cropped, other], both)] == [
        ["a", "b"]]
    # Without the crop hashes the two are far apart: no group.
    assert groups([Hashed("a", "alice", "sha-a", FULL), cropped, other], POLICY) == []


def test_a_candidate_the_index_matched_by_a_crop_counts_at_that_distance() -> None:
    from chalicelib.domain.dedupe import Candidate, judge
    from chalicelib.domain.lifecycle import Status

    far = Candidate("a", "alice", Status.READY, False, FULL ^ 0xFFFF_FFFF, near_distance=4)
    unmatched = Candidate("b", "alice", Status.READY, False, FULL ^ 0xFFFF_FFFF)
    assert judge("new", "alice", FULL, [unmatched, far], 7).duplicate_of == "a"
    assert judge("new", "alice", FULL, [unmatched], 7).duplicate_of == ""

"""Contract of the duplicate indexes: the band index (DuplicateIndex) and the images table's
exact index (`with_sha256`), for the fakes and the DynamoDB adapters on moto alike."""

from __future__ import annotations

import time

from chalicelib.domain.duplicates import bands, probe_keys
from chalicelib.domain.model import Original, Status
from chalicelib.ports import DuplicateIndex, ImageRepository
from tests.contract.images import FACTS, current, image_in

HASH = 0x1234_5678_9ABC_DEF0


def _hex(value: int) -> str:
    return f"{value:016x}"


# --- the band index ----------------------------------------------------------------------------


def test_an_image_is_found_under_any_of_its_keys_with_its_hash(
    duplicate_index: DuplicateIndex,
) -> None:
    duplicate_index.add("a" * 32, _hex(HASH), bands(HASH, 4))
    for key in bands(HASH, 4):
        assert duplicate_index.holders([key]) == {"a" * 32: _hex(HASH)}


def test_a_lookup_meets_a_hash_one_bit_off_in_a_band_and_not_others(
    duplicate_index: DuplicateIndex,
) -> None:
    near = HASH ^ (1 << 63) ^ (1 << 47) ^ (1 << 31) ^ (1 << 15)  # one bit in each band
    far = HASH ^ 0b11 ^ (0b11 << 16) ^ (0b11 << 32) ^ (0b11 << 48)  # two in each
    duplicate_index.add("n" * 32, _hex(near), bands(near, 4))
    duplicate_index.add("f" * 32, _hex(far), bands(far, 4))
    assert duplicate_index.holders(probe_keys(HASH, 4, 1)) == {"n" * 32: _hex(near)}


def test_adding_twice_changes_nothing_and_removing_forgets(
    duplicate_index: DuplicateIndex,
) -> None:
    keys = bands(HASH, 4)
    duplicate_index.add("a" * 32, _hex(HASH), keys)
    duplicate_index.add("a" * 32, _hex(HASH), keys)
    duplicate_index.add("b" * 32, _hex(HASH), keys)
    assert duplicate_index.holders(keys) == {"a" * 32: _hex(HASH), "b" * 32: _hex(HASH)}
    duplicate_index.remove("a" * 32, keys)
    duplicate_index.remove("a" * 32, keys)  # missing is fine
    assert duplicate_index.holders(keys) == {"b" * 32: _hex(HASH)}


def test_an_empty_index_and_an_empty_lookup_find_nothing(duplicate_index: DuplicateIndex) -> None:
    assert duplicate_index.holders(probe_keys(HASH, 4, 1)) == {}
    assert duplicate_index.holders([]) == {}


def test_a_full_lookup_of_68_keys_is_fast_enough(duplicate_index: DuplicateIndex) -> None:
    """Measured, not asserted on time: 68 keys asked, every holder found."""
    for n in range(50):
        value = HASH ^ (n << 20)
        duplicate_index.add(f"{n:032x}", _hex(value), bands(value, 4))
    started = time.perf_counter()
    found = duplicate_index.holders(probe_keys(HASH, 4, 1))
    print(f"68-key lookup: {1000 * (time.perf_counter() - started):.1f} ms")
    # Bands 0 and 3 of every one of them equal HASH's: each is met.
    assert len(found) == 50


# --- the exact index ---------------------------------------------------------------------------


def _original(sha: str) -> Original:
    return Original("originals/x", "v1", 9, sha, "image/jpeg")


def test_recorded_originals_are_found_by_their_sha256(image_repo: ImageRepository) -> None:
    first, second, other = (image_in(image_repo, Status.PROCESSING) for _ in range(3))
    for image_id, sha in ((first, "s" * 64), (second, "s" * 64), (other, "o" * 64)):
        assert image_repo.record_facts(image_id, FACTS, ["thumb"], "t", _original(sha),
                                       _hex(HASH), "")
    assert image_repo.with_sha256("s" * 64, 10) == sorted([first, second])
    assert len(image_repo.with_sha256("s" * 64, 1)) == 1
    assert image_repo.with_sha256("z" * 64, 10) == []
    assert current(image_repo, first).phash == _hex(HASH)


def test_a_possible_duplicate_is_recorded_with_the_facts(image_repo: ImageRepository) -> None:
    image_id = image_in(image_repo, Status.PROCESSING)
    assert image_repo.record_facts(image_id, FACTS, ["thumb"], "t", _original("s" * 64),
                                   _hex(HASH), "d" * 32)
    assert current(image_repo, image_id).possible_duplicate_of == "d" * 32


def test_a_duplicate_rejection_names_the_image_it_repeats(image_repo: ImageRepository) -> None:
    image_id = image_in(image_repo, Status.PROCESSING)
    assert image_repo.reject(image_id, "duplicate", "t", "d" * 32)
    got = current(image_repo, image_id)
    assert (got.status, got.reason, got.duplicate_of) == (Status.REJECTED, "duplicate", "d" * 32)
    assert not image_repo.reject(image_id, "duplicate", "t", "e" * 32)  # ended: no change
    assert current(image_repo, image_id).duplicate_of == "d" * 32


def test_an_image_and_its_crop_entries_are_separate_and_removed_separately(
    duplicate_index: DuplicateIndex,
) -> None:
    # The band index holds a crop's hash under "<image id>#<crop>" beside the full hash (and
    # lists the crop entries under "img:<image id>"): each entry is found and removed on its own.
    crop = HASH ^ 0xFFFF
    image_id = "a" * 32
    duplicate_index.add(image_id, _hex(HASH), bands(HASH, 4))
    duplicate_index.add(f"{image_id}#c94", _hex(crop), [*bands(crop, 4), f"img:{image_id}"])
    assert duplicate_index.holders([f"img:{image_id}"]) == {f"{image_id}#c94": _hex(crop)}
    assert duplicate_index.holders(bands(HASH, 4)[:3]) == {
        image_id: _hex(HASH), f"{image_id}#c94": _hex(crop)}
    duplicate_index.remove(f"{image_id}#c94", [*bands(crop, 4), f"img:{image_id}"])
    assert duplicate_index.holders([*bands(crop, 4), f"img:{image_id}"]) == {image_id: _hex(HASH)}

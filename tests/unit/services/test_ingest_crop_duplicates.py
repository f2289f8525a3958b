"""Ingest with crop-tolerant duplicate keys: a crop of an indexed photo (or the photo a crop
was cut from) is judged a duplicate through the inner crops' hashes; taking an image off the
band index takes its crop entries too."""

from __future__ import annotations

from dataclasses import replace

from chalicelib.auth import Principal
from chalicelib.domain.duplicates import bands, probe_keys
from chalicelib.domain.model import Status
from chalicelib.domain.outcomes import rejected
from chalicelib.services import deletion, duplicates, ingest, review
from chalicelib.services.deps import Deps
from tests.fakes import FakeProcessor, make_deps
from tests.images import factory
from tests.unit.services.test_ingest_duplicates import ALICE, BOB, _ingested, _upload

ADMIN = Principal("sub-admin", "admin", frozenset({"admins"}))
PHOTO = factory.photo(4000, 3000)
CROPPED = factory.photo(3760, 2820)
OTHER = factory.photo(3000, 2000)
FULL = 0xF0E1_D2C3_B4A5_9687
INNER = 0x0F1E_2D3C_4B5A_6978  # the photo's central crop: far from its full hash
FAR = 0x5555_AAAA_5555_AAAA


def _deps() -> Deps:
    engine = FakeProcessor(size=(4000, 3000))
    # The cropped copy's full hash is 2 bits from the photo's central crop, far from its full
    # hash; the other photo's hashes are far from everything.
    engine.phashes = {PHOTO: FULL, CROPPED: INNER ^ 0b11, OTHER: FAR}
    engine.crop_phashes = {PHOTO: [INNER, INNER ^ 0xF0], CROPPED: [FAR ^ 0xF0F0, FAR ^ 0xF],
                           OTHER: [FAR ^ 0xFF00, FAR ^ 0xFF0000]}
    return make_deps(engine)


def test_a_crop_of_the_owners_photo_is_rejected_as_its_duplicate() -> None:
    deps = _deps()
    first = _ingested(deps, ALICE, PHOTO)
    second, note = _upload(deps, ALICE, CROPPED)
    assert ingest.ingest_object(deps, note) == rejected("duplicate")
    image = deps.repo.get(second)
    assert image is not None and image.duplicate_of == first


def test_the_photo_a_stored_crop_was_cut_from_is_caught_only_when_lookups_probe_crops(
) -> None:
    deps = _deps()
    _ingested(deps, ALICE, CROPPED)
    # By default a lookup probes the upload's full hash only: the source photo goes through.
    source = deps.repo.get(_ingested(deps, ALICE, PHOTO))
    assert source is not None and source.status is Status.READY
    deps = _deps()
    deps.limits = replace(deps.limits,
                          duplicates=replace(deps.limits.duplicates, lookup_crops=True))
    first = _ingested(deps, ALICE, CROPPED)
    second, note = _upload(deps, ALICE, PHOTO)
    assert ingest.ingest_object(deps, note) == rejected("duplicate")
    image = deps.repo.get(second)
    assert image is not None and image.duplicate_of == first


def test_another_photo_is_not_a_duplicate() -> None:
    deps = _deps()
    _ingested(deps, ALICE, PHOTO)
    other = _ingested(deps, ALICE, OTHER)
    image = deps.repo.get(other)
    assert image is not None and image.status is Status.READY and not image.duplicate_of


def test_without_crops_a_crop_is_not_caught() -> None:
    deps = _deps()
    deps.limits = replace(deps.limits, duplicates=replace(deps.limits.duplicates, crops=()))
    _ingested(deps, ALICE, PHOTO)
    second = _ingested(deps, ALICE, CROPPED)
    image = deps.repo.get(second)
    assert image is not None and image.status is Status.READY


def test_unindexing_takes_the_crop_entries_off_the_band_index() -> None:
    deps = _deps()
    first = _ingested(deps, ALICE, PHOTO)
    keys = [*probe_keys(FULL, 4, 1), *probe_keys(INNER, 4, 1), *bands(INNER ^ 0xF0, 4)]
    assert set(deps.duplicates.holders(keys)) == {first, f"{first}#c94", f"{first}#c88"}
    image = deps.repo.get(first)
    assert image is not None
    duplicates.unindex(deps, image)
    assert deps.duplicates.holders([*keys, f"img:{first}"]) == {}


def _entries(image_id: str) -> set[str]:
    """The band index entries of an image: its full hash and each default crop's."""
    return {image_id, *(f"{image_id}#{crop}" for crop in ("c94", "c88", "l95", "r95"))}


def _indexed(deps: Deps, image_id: str) -> set[str]:
    keys = [*probe_keys(FULL, 4, 1), *probe_keys(INNER, 4, 1), *bands(INNER ^ 0xF0, 4),
            f"img:{image_id}"]
    return set(deps.duplicates.holders(keys))


def test_deleting_an_image_takes_it_and_its_crops_off_the_band_index() -> None:
    deps = _deps()
    first = _ingested(deps, ALICE, PHOTO)
    assert _indexed(deps, first) == _entries(first)
    deletion.delete_image(deps, ALICE, first, None)
    assert _indexed(deps, first) == set()


def test_a_moderators_reject_takes_it_and_its_crops_off_the_band_index() -> None:
    deps = _deps()
    first = _ingested(deps, ALICE, PHOTO)
    held = _ingested(deps, BOB, PHOTO)  # another contributor's copy waits for review
    assert deps.repo.get(held).status is Status.IN_REVIEW  # type: ignore[union-attr]
    assert f"{held}#c94" in _indexed(deps, held)
    review.decide(deps, ADMIN, held, {"decision": "reject", "reason": "a copy"})
    assert _indexed(deps, held) == {first, f"{first}#c94", f"{first}#c88"}  # not Alice's list

"""The ImageRepository's rendition-profile writes: the fake and DynamoDB (on moto) alike."""

from __future__ import annotations

from chalicelib.domain.model import Rendition, Status
from chalicelib.ports import ImageRepository
from tests.contract.images import current, image_in, move, race, rendition


def _versioned(image_id: str, name: str, version: str) -> Rendition:
    return Rendition(name, f"{image_id}/{version}/{name}.webp", 10, 5, "webp", 3)


def _ready_with_legacy(repo: ImageRepository) -> str:
    image_id = image_in(repo, Status.PROCESSING)
    repo.add_renditions(image_id, [rendition(image_id, "thumb"), rendition(image_id, "full")], "t")
    assert move(repo, image_id, Status.READY)
    return image_id


def test_renditions_are_recorded_with_the_profile_version(image_repo: ImageRepository) -> None:
    image_id = image_in(image_repo, Status.PROCESSING)
    assert current(image_repo, image_id).profile_version == ""  # before versions: none
    image_repo.add_renditions(image_id, [_versioned(image_id, "thumb", "v1")], "t", "v1")
    assert current(image_repo, image_id).profile_version == "v1"
    image_repo.add_renditions(image_id, [rendition(image_id, "large")], "t")  # none given
    assert current(image_repo, image_id).profile_version == "v1"


def test_progress_is_recorded_beside_the_shown_renditions(image_repo: ImageRepository) -> None:
    image_id = _ready_with_legacy(image_repo)
    before = current(image_repo, image_id)
    first = image_repo.add_next_rendition(image_id, "v2", _versioned(image_id, "thumb", "v2"))
    assert first is not None and first.next_profile is not None
    image_repo.add_next_rendition(image_id, "v2", _versioned(image_id, "large", "v2"))
    now = current(image_repo, image_id)
    assert now.renditions == before.renditions and now.version == before.version
    assert now.next_profile is not None and now.next_profile.version == "v2"
    assert now.next_profile.renditions == {
        "thumb": _versioned(image_id, "thumb", "v2"), "large": _versioned(image_id, "large", "v2"),
    }
    assert now.claimed_keys >= {f"{image_id}/v2/thumb.webp", f"{image_id}/thumb.webp"}


def test_a_newer_version_replaces_older_progress(image_repo: ImageRepository) -> None:
    image_id = _ready_with_legacy(image_repo)
    image_repo.add_next_rendition(image_id, "v2", _versioned(image_id, "thumb", "v2"))
    image_repo.add_next_rendition(image_id, "v3", _versioned(image_id, "large", "v3"))
    progress = current(image_repo, image_id).next_profile
    assert progress is not None and progress.version == "v3"
    assert set(progress.renditions) == {"large"}


def test_progress_needs_a_ready_image_not_on_that_version(image_repo: ImageRepository) -> None:
    for status in (Status.PROCESSING, Status.IN_REVIEW, Status.DELETED, Status.FAILED):
        image_id = image_in(image_repo, status)
        assert image_repo.add_next_rendition(image_id, "v2", rendition(image_id, "t")) is None
        assert current(image_repo, image_id).next_profile is None
    image_id = _ready_with_legacy(image_repo)
    image_repo.add_next_rendition(image_id, "v2", _versioned(image_id, "thumb", "v2"))
    assert image_repo.flip_profile(image_id, "v2", {}, "t") is not None
    assert image_repo.add_next_rendition(image_id, "v2", rendition(image_id, "x")) is None


def test_the_flip_swaps_everything_in_one_write(image_repo: ImageRepository) -> None:
    image_id = _ready_with_legacy(image_repo)
    before = current(image_repo, image_id)
    assert image_repo.flip_profile(image_id, "v2", before.renditions, "t") is None  # none begun
    new = _versioned(image_id, "thumb", "v2")
    image_repo.add_next_rendition(image_id, "v2", new)
    swapped = {"thumb": new, "full": before.renditions["full"]}
    flipped = image_repo.flip_profile(image_id, "v2", swapped, "t-flip")
    assert flipped is not None
    after = current(image_repo, image_id)
    assert after.renditions == swapped and after.profile_version == "v2"
    assert after.next_profile is None and after.version == before.version + 1
    assert after.status is Status.READY and after.updated_at == "t-flip"


def test_of_concurrent_flips_exactly_one_wins(image_repo: ImageRepository) -> None:
    image_id = _ready_with_legacy(image_repo)
    new = _versioned(image_id, "thumb", "v2")
    image_repo.add_next_rendition(image_id, "v2", new)
    flip = lambda i: image_repo.flip_profile(i, "v2", {"thumb": new}, "t") is not None  # noqa: E731
    assert sorted(race([flip, flip, flip], image_id)) == [False, False, True]
    assert current(image_repo, image_id).version == 4  # add, start, finish... then one flip


def test_a_delete_wins_over_a_flip(image_repo: ImageRepository) -> None:
    image_id = _ready_with_legacy(image_repo)
    new = _versioned(image_id, "thumb", "v2")
    image_repo.add_next_rendition(image_id, "v2", new)
    assert move(image_repo, image_id, Status.DELETED)
    assert current(image_repo, image_id).next_profile is None  # the tombstone names none
    assert image_repo.flip_profile(image_id, "v2", {"thumb": new}, "t") is None
    assert current(image_repo, image_id).renditions == {}


def test_ready_images_on_older_versions_are_found_page_by_page(
    image_repo: ImageRepository,
) -> None:
    legacy = _ready_with_legacy(image_repo)
    other = _ready_with_legacy(image_repo)
    image_repo.add_next_rendition(other, "v1", _versioned(other, "thumb", "v1"))
    image_repo.flip_profile(other, "v1", {"thumb": _versioned(other, "thumb", "v1")}, "t")
    current_one = _ready_with_legacy(image_repo)
    image_repo.add_next_rendition(current_one, "v2", _versioned(current_one, "thumb", "v2"))
    image_repo.flip_profile(current_one, "v2", {}, "t")
    image_in(image_repo, Status.PROCESSING)  # not ready: never found
    found, cursor, pages = [], None, 0
    while True:
        page = image_repo.ready_on_older_profile("v2", 2, cursor)
        found += [image.image_id for image in page.items]
        cursor, pages = page.next_cursor, pages + 1
        if cursor is None:
            break
        assert pages < 10, "the scan never ends"
    assert sorted(found) == sorted([legacy, other])


def _flip(repo: ImageRepository, image_id: str, version: str, now: str) -> Rendition:
    new = _versioned(image_id, "thumb", version)
    repo.add_next_rendition(image_id, version, new)
    full = current(repo, image_id).renditions["full"]
    assert repo.flip_profile(image_id, version, {"thumb": new, "full": full}, now) is not None
    return new


def test_the_flip_records_the_keys_it_retires_and_when(image_repo: ImageRepository) -> None:
    image_id = _ready_with_legacy(image_repo)
    legacy = current(image_repo, image_id).renditions["thumb"].key
    new = _flip(image_repo, image_id, "v2", "2026-12-07T10:00:00.000000Z")
    after = current(image_repo, image_id)
    assert after.retiring == (legacy,)  # the full-size download stays shown: not retired
    assert after.retiring_since == "2026-12-07T10:00:00.000000Z"
    assert after.claimed_keys == {new.key, legacy, f"{image_id}/full.webp"}


def test_a_later_flip_adds_to_the_retiring_keys_less_those_shown_again(
    image_repo: ImageRepository,
) -> None:
    image_id = _ready_with_legacy(image_repo)
    legacy = current(image_repo, image_id).renditions["thumb"].key
    v2 = _flip(image_repo, image_id, "v2", "2026-12-07T10:00:00.000000Z")
    v3 = _flip(image_repo, image_id, "v3", "2026-12-07T11:00:00.000000Z")
    after = current(image_repo, image_id)
    assert set(after.retiring) == {legacy, v2.key}
    assert after.retiring_since == "2026-12-07T11:00:00.000000Z"
    _flip(image_repo, image_id, "v2", "2026-12-07T12:00:00.000000Z")  # the profile reverted
    assert set(current(image_repo, image_id).retiring) == {legacy, v3.key}


def test_a_tombstone_keeps_naming_the_retiring_keys(image_repo: ImageRepository) -> None:
    image_id = _ready_with_legacy(image_repo)
    legacy = current(image_repo, image_id).renditions["thumb"].key
    _flip(image_repo, image_id, "v2", "2026-12-07T10:00:00.000000Z")
    assert move(image_repo, image_id, Status.DELETED)
    tombstone = current(image_repo, image_id)
    assert tombstone.claimed_keys == {legacy}  # a repeated delete still removes them

"""The DynamoDB repository on moto: conditional transitions, paging, cursors."""

from __future__ import annotations

import pytest

from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.model import Facts, Image, Rendition, Status
from tests.integration.conftest import Stack, unique_id


def _image(owner: str = "sub-a", created_at: str = "2026-11-27T12:00:00.000000Z") -> Image:
    return Image(unique_id(), owner, "a", Status.PENDING, created_at, title="t", tags=("x",))


def _rendition(image_id: str, name: str) -> Rendition:
    return Rendition(name, f"{image_id}/{name}.webp", 10, 5, "webp", 3)


def test_round_trip_keeps_every_field(stack: Stack) -> None:
    repo = stack.services.deps.repo
    image = _image()
    repo.add(image)
    repo.start_processing(image.image_id, "t1")
    expected = ["thumb", "small", "large"]
    repo.record_facts(image.image_id, Facts(30, 20, "landscape", "png", 99), expected, "t2")
    both = [_rendition(image.image_id, name) for name in ("thumb", "small")]
    repo.add_renditions(image.image_id, both, "t3")  # one write for several
    later = repo.add_renditions(image.image_id, [_rendition(image.image_id, "large")], "t4")
    got = repo.get(image.image_id)
    assert got.facts == Facts(30, 20, "landscape", "png", 99)
    assert got.renditions == {r.name: r for r in [*both, _rendition(image.image_id, "large")]}
    assert later is not None and later.complete and later.renditions == got.renditions
    assert (got.tags, got.expected, got.status) == (("x",), tuple(expected), Status.PROCESSING)


def test_adding_an_existing_id_fails(stack: Stack) -> None:
    repo = stack.services.deps.repo
    image = _image()
    repo.add(image)
    with pytest.raises(Exception):  # noqa: B017 - pynamodb's PutError on the condition
        repo.add(image)


def test_ready_is_won_exactly_once(stack: Stack) -> None:
    repo = stack.services.deps.repo
    image = _image()
    repo.add(image)
    repo.start_processing(image.image_id, "t")
    assert [repo.finish(image.image_id, "t") for _ in range(3)] == [True, False, False]
    assert repo.start_processing(image.image_id, "t") is None
    assert repo.add_renditions(image.image_id, [_rendition(image.image_id, "late")], "t") is None
    assert repo.reject(image.image_id, "corrupt_image", "t") is False


def test_transitions_on_a_missing_image_do_not_create_it(stack: Stack) -> None:
    repo = stack.services.deps.repo
    ghost = unique_id()
    assert repo.start_processing(ghost, "t") is None
    assert repo.update_metadata(ghost, "t", "d", [], "t") is None
    assert repo.get(ghost) is None


def test_reject_records_the_reason_and_version_grows(stack: Stack) -> None:
    repo = stack.services.deps.repo
    image = _image()
    repo.add(image)
    assert repo.reject(image.image_id, "not_an_image", "t")
    got = repo.get(image.image_id)
    assert (got.status, got.reason, got.version) == (Status.REJECTED, "not_an_image", 2)


def test_owner_listing_is_newest_first_and_paged(stack: Stack) -> None:
    repo = stack.services.deps.repo
    made = [_image("sub-p", f"2026-11-27T12:00:0{i}.000000Z") for i in range(5)]
    for image in made:
        repo.add(image)
    repo.add(_image("sub-other"))
    first = repo.list_by_owner("sub-p", 2, None)
    second = repo.list_by_owner("sub-p", 2, first.next_cursor)
    third = repo.list_by_owner("sub-p", 2, second.next_cursor)
    listed = [i.image_id for page in (first, second, third) for i in page.items]
    assert listed == [i.image_id for i in reversed(made)]
    assert third.next_cursor is None


@pytest.mark.parametrize("cursor", ["garbage!!", "e30=", "eyJhIjogMX0="])
def test_forged_cursors_are_400(stack: Stack, cursor: str) -> None:
    with pytest.raises(InvalidInput):
        stack.services.deps.repo.list_by_owner("sub-p", 2, cursor)


def test_someone_elses_cursor_is_400(stack: Stack) -> None:
    repo = stack.services.deps.repo
    for i in range(3):
        repo.add(_image("sub-q", f"2026-11-27T12:00:0{i}.000000Z"))
    cursor = repo.list_by_owner("sub-q", 1, None).next_cursor
    with pytest.raises(InvalidInput):
        repo.list_by_owner("sub-mallory", 1, cursor)


def test_delete_is_idempotent(stack: Stack) -> None:
    repo = stack.services.deps.repo
    image = _image()
    repo.add(image)
    repo.delete(image.image_id)
    repo.delete(image.image_id)
    assert repo.get(image.image_id) is None

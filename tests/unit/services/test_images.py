"""Reading, listing, editing and deleting images, and who may do what."""

from __future__ import annotations

import pytest

from chalicelib.auth import Principal
from chalicelib.domain.errors import Forbidden, NotFound
from chalicelib.domain.model import Rendition, Status
from chalicelib.services import images
from chalicelib.services.uploads import request_upload
from tests.fakes import make_deps

ALICE = Principal("sub-alice", "alice", frozenset({"contributors"}))
MALLORY = Principal("sub-mallory", "mallory", frozenset({"contributors"}))
ADMIN = Principal("sub-admin", "admin", frozenset({"admins"}))
BODY = {"filename": "a.jpg", "content_type": "image/jpeg", "size": 10}


def _pending(deps):  # type: ignore[no-untyped-def]
    return request_upload(deps, ALICE, BODY).image_id


def _ready(deps):  # type: ignore[no-untyped-def]
    image_id = _pending(deps)
    deps.repo.start_processing(image_id, "t")
    deps.repo.add_renditions(
        image_id, [Rendition("thumb", f"{image_id}/thumb.webp", 200, 150, "webp", 9)], "t"
    )
    deps.repo.finish(image_id, "t")
    return image_id


def test_given_a_pending_image_then_only_owner_and_admin_see_it() -> None:
    deps = make_deps()
    image_id = _pending(deps)
    assert images.get_image(deps, image_id, ALICE).status is Status.PENDING
    assert images.get_image(deps, image_id, ADMIN).image_id == image_id
    for stranger in (MALLORY, None):
        with pytest.raises(NotFound):
            images.get_image(deps, image_id, stranger)


def test_given_a_ready_image_then_anyone_sees_it() -> None:
    deps = make_deps()
    image_id = _ready(deps)
    assert images.get_image(deps, image_id, None).status is Status.READY


def test_given_someone_elses_ready_image_when_editing_then_403() -> None:
    deps = make_deps()
    image_id = _ready(deps)
    with pytest.raises(Forbidden):
        images.update_image(deps, MALLORY, image_id, {"title": "mine now"})
    assert deps.repo.get(image_id).title != "mine now"


def test_given_someone_elses_pending_image_when_editing_then_404() -> None:
    deps = make_deps()
    image_id = _pending(deps)
    with pytest.raises(NotFound):
        images.update_image(deps, MALLORY, image_id, {"title": "x"})


def test_given_owner_when_patching_then_only_sent_fields_change() -> None:
    deps = make_deps()
    image_id = _ready(deps)
    images.update_image(deps, ALICE, image_id, {"title": "Dunes", "tags": ["Sand"]})
    updated = images.update_image(deps, ALICE, image_id, {"description": "Dry"})
    assert (updated.title, updated.description, updated.tags) == ("Dunes", "Dry", ("sand",))


def test_given_many_images_when_listing_mine_then_newest_first_paged() -> None:
    deps = make_deps()
    ids = [_pending(deps) for _ in range(5)]
    request_upload(deps, MALLORY, BODY)
    first = images.list_mine(deps, ALICE, None, 3)
    second = images.list_mine(deps, ALICE, first.next_cursor, 3)
    listed = [i.image_id for i in first.items + second.items]
    assert listed == list(reversed(ids)) and second.next_cursor is None


def test_given_an_id_we_never_issue_then_404_without_asking_the_table() -> None:
    deps = make_deps()

    def must_not_be_called(image_id: str) -> None:
        raise AssertionError("DynamoDB would refuse this key with a 500")

    deps.repo.get = must_not_be_called  # type: ignore[method-assign]
    for image_id in ("x" * 5000, "ABCDEF", "0" * 31, "../etc"):
        with pytest.raises(NotFound):
            images.get_image(deps, image_id, ADMIN)


def test_a_deleted_image_is_seen_by_nobody_and_left_out_of_my_uploads() -> None:
    deps = make_deps()
    kept, gone = _ready(deps), _ready(deps)
    deps.repo.mark_deleted(gone, ALICE.sub, "owner_request", "t", 1)
    for who in (ALICE, ADMIN, None):
        with pytest.raises(NotFound):
            images.get_image(deps, gone, who)
    assert [i.image_id for i in images.list_mine(deps, ALICE, None, 10).items] == [kept]

"""Delete that really removes: a tombstone first, then every byte, then the CDN told."""

from __future__ import annotations

import pytest

from chalicelib.auth import Principal
from chalicelib.domain.errors import Forbidden, InvalidInput, NotFound
from chalicelib.domain.model import Original, Rendition, Status
from chalicelib.services import deletion
from chalicelib.services.uploads import request_upload
from tests.fakes import make_deps

ALICE = Principal("sub-alice", "alice", frozenset({"contributors"}))
MALLORY = Principal("sub-mallory", "mallory", frozenset({"contributors"}))
ADMIN = Principal("sub-admin", "admin", frozenset({"admins"}))
BODY = {"filename": "a.jpg", "content_type": "image/jpeg", "size": 10}
DAY = 86_400


def _ready_with_files(deps) -> str:  # type: ignore[no-untyped-def]
    """A ready image with every kind of file it can have, some in several versions."""
    image_id = request_upload(deps, ALICE, BODY).image_id
    deps.repo.start_processing(image_id, "t")
    version = deps.originals.put(f"originals/{image_id}", b"orig", "image/jpeg")
    deps.originals.put(f"originals/{image_id}", b"orig again", "image/jpeg")  # a retry's copy
    original = Original(f"originals/{image_id}", version, 4, "ab" * 32, "image/jpeg")
    deps.repo.record_facts(image_id, _facts(), ["thumb", "full"], "t", original)
    deps.originals.put(f"full/{image_id}.jpg", b"full", "image/jpeg")
    deps.renditions.put(f"{image_id}/thumb.webp", b"t", "image/webp")
    deps.renditions.put(f"{image_id}/large.webp", b"l", "image/webp")
    deps.uploads.put(f"uploads/{image_id}", b"late post", "image/jpeg")
    deps.uploads.put(f"masters/{image_id}.tif", b"m", "image/tiff")
    deps.repo.add_renditions(image_id, [
        Rendition("thumb", f"{image_id}/thumb.webp", 200, 150, "webp", 1),
        Rendition("full", f"full/{image_id}.jpg", 4000, 3000, "jpeg", 4),
    ], "t")
    deps.repo.finish(image_id, "t")
    return image_id


def _facts():  # type: ignore[no-untyped-def]
    from chalicelib.domain.model import Facts

    return Facts(4000, 3000, "landscape", "jpeg", 4)


def test_the_owner_deletes_and_every_byte_goes_leaving_a_tombstone() -> None:
    deps = make_deps()
    deps.renditions.put("other/thumb.webp", b"keep", "image/webp")
    image_id = _ready_with_files(deps)
    # WHEN the owner deletes it
    deletion.delete_image(deps, ALICE, image_id, None)
    # THEN a tombstone says who, why and until when, with no renditions
    image = deps.repo.get(image_id)
    assert image is not None and image.status is Status.DELETED
    assert (image.deleted_by, image.reason, image.renditions) == (ALICE.sub, "owner_request", {})
    assert deps.repo.expiries[image_id] == pytest.approx(
        deps.clock.current.timestamp() + 90 * DAY, abs=5
    )
    # AND every version of every file is gone; other images' files stay
    assert deps.originals.versions == {} and deps.originals.objects == {}
    assert set(deps.uploads.versions) == set() and deps.uploads.objects == {}
    assert list(deps.renditions.objects) == ["other/thumb.webp"]
    # AND the CDN is told to forget the image's public paths
    assert deps.cdn.invalidated == [f"/renditions/{image_id}/*"]


def test_an_admin_gives_a_reason_and_an_unknown_one_is_refused() -> None:
    deps = make_deps()
    image_id = _ready_with_files(deps)
    with pytest.raises(InvalidInput) as refused:
        deletion.delete_image(deps, ADMIN, image_id, "because")
    assert refused.value.code == "invalid_reason"
    deletion.delete_image(deps, ADMIN, image_id, "copyright")
    image = deps.repo.get(image_id)
    assert (image.status, image.reason, image.deleted_by) == (
        Status.DELETED, "copyright", ADMIN.sub,
    )


def test_only_admins_give_reasons_and_strangers_cannot_delete() -> None:
    deps = make_deps()
    image_id = _ready_with_files(deps)
    with pytest.raises(Forbidden):
        deletion.delete_image(deps, ALICE, image_id, "copyright")
    with pytest.raises(Forbidden):
        deletion.delete_image(deps, MALLORY, image_id, None)
    assert deps.repo.get(image_id).status is Status.READY
    assert deps.originals.objects  # nothing was removed


def test_deleting_again_finishes_what_a_crash_left_and_keeps_the_first_tombstone() -> None:
    deps = make_deps()
    image_id = _ready_with_files(deps)
    deps.repo.mark_deleted(image_id, ALICE.sub, "owner_request", "t-first", 1)  # then a crash
    deletion.delete_image(deps, ADMIN, image_id, "policy")
    image = deps.repo.get(image_id)
    assert (image.reason, image.deleted_by, image.updated_at) == (
        "owner_request", ALICE.sub, "t-first",
    )
    assert deps.originals.objects == {} and deps.uploads.objects == {}


def test_a_deleted_image_is_404_to_anyone_else_and_unknown_ids_too() -> None:
    deps = make_deps()
    image_id = _ready_with_files(deps)
    deletion.delete_image(deps, ALICE, image_id, None)
    with pytest.raises(NotFound):
        deletion.delete_image(deps, MALLORY, image_id, None)
    with pytest.raises(NotFound):
        deletion.delete_image(deps, ALICE, "f" * 32, None)

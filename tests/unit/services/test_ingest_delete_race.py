"""A delete at any moment of an ingest: whatever a step stored before it lost the race goes.

The fuzz run saw an 8 MB master left in the uploads bucket after a DELETE sent 0.15-0.25 s
after the upload. Here the owner's delete runs just before each call ingest makes to the
repository or to a blob store, in turn; then ingest (and a redelivery when it asks for one)
and every render it sent are played to the end. (With the master purge of the lost
record_facts write removed, moments 2 and 3 leave `masters/<id>.tif`.)
"""

from __future__ import annotations

import pytest

from chalicelib.auth import Principal
from chalicelib.domain.errors import ClaimNotTaken
from chalicelib.domain.model import Status
from chalicelib.ports import UploadedObject
from chalicelib.services import ingest, render
from chalicelib.services.deps import Deps
from chalicelib.services.uploads import request_upload
from tests.fakes import FakeProcessor, make_deps
from tests.images import factory
from tests.support.delete_race import delete_before_call

ALICE = Principal("sub-alice", "alice", frozenset({"contributors"}))
# An undisturbed ingest and its renders make 16 such calls (the last test keeps this true).
MOMENTS = range(16)


def _ready_to_ingest(deps: Deps) -> str:
    data = factory.photo(4000, 3000)  # big enough for a stored master
    body = {"filename": "x.jpg", "content_type": "image/jpeg", "size": len(data)}
    image_id = request_upload(deps, ALICE, body).image_id
    deps.uploads.put(f"uploads/{image_id}", data, "image/jpeg")
    return image_id


def _play(deps: Deps, image_id: str) -> None:
    key = f"uploads/{image_id}"
    kept = deps.uploads.versions.get(key, [])
    upload = UploadedObject(key, kept[-1].etag if kept else "")
    for _ in range(3):  # a redelivery, when ingest asks for one
        try:
            ingest.ingest_object(deps, upload)
            break
        except ClaimNotTaken:
            continue
    for task in list(deps.queue.sent):
        render.render_one(deps, task)


def _left(deps: Deps, image_id: str) -> list[str]:
    stores = (deps.uploads, deps.originals, deps.renditions)
    kept = {key for store in stores for key, versions in store.versions.items() if versions}
    current = {key for store in stores for key in store.objects}
    return sorted(key for key in kept | current if image_id in key)


@pytest.mark.parametrize("moment", MOMENTS)
def test_given_a_delete_before_any_step_of_ingest_then_nothing_of_the_image_is_left(
    moment: int,
) -> None:
    deps = make_deps(FakeProcessor(size=(4000, 3000)))
    image_id = _ready_to_ingest(deps)
    delete_before_call(deps, ALICE, image_id, moment)
    _play(deps, image_id)
    image = deps.repo.get(image_id)
    assert image is not None and image.status is Status.DELETED
    assert _left(deps, image_id) == []


def test_the_moments_cover_every_call_of_an_undisturbed_ingest() -> None:
    deps = make_deps(FakeProcessor(size=(4000, 3000)))
    image_id = _ready_to_ingest(deps)
    delete_before_call(deps, ALICE, image_id, len(MOMENTS))  # one past the last: never fires
    _play(deps, image_id)
    image = deps.repo.get(image_id)
    assert image is not None and image.status is Status.READY

"""Downloads: a signed, short-lived link per size, the original for its owner only, counted."""

from __future__ import annotations

import threading

import pytest

from chalicelib.auth import Principal
from chalicelib.domain.errors import Forbidden, InvalidInput, NotFound
from chalicelib.domain.model import Facts, Original, Rendition
from chalicelib.services import downloads
from chalicelib.services.uploads import request_upload
from tests.fakes import make_deps

ALICE = Principal("sub-alice", "alice", frozenset({"contributors"}))
MALLORY = Principal("sub-mallory", "mallory", frozenset({"contributors"}))
ADMIN = Principal("sub-admin", "admin", frozenset({"admins"}))


def _ready(deps, title: str = "Red fox in snow!") -> str:  # type: ignore[no-untyped-def]
    body = {"filename": "fox.jpg", "content_type": "image/jpeg", "size": 10, "title": title}
    image_id = request_upload(deps, ALICE, body, "Alice Liddell").image_id
    deps.repo.start_processing(image_id, "t")
    original = Original(f"originals/{image_id}", "v7", 5_000_000, "ab" * 32, "image/jpeg")
    deps.repo.record_facts(image_id, Facts(6000, 4000, "landscape", "jpeg", 5_000_000),
                           ["thumb", "full"], "t", original)
    deps.repo.add_renditions(image_id, [
        Rendition("thumb", f"{image_id}/thumb.webp", 200, 133, "webp", 9_000),
        Rendition("full", f"full/{image_id}.jpg", 6000, 4000, "jpeg", 7_000_000),
    ], "t")
    deps.repo.finish(image_id, "t")
    return image_id


def test_anyone_gets_the_full_size_by_default_as_a_named_attachment_with_a_credit() -> None:
    deps = make_deps()
    image_id = _ready(deps)
    got = downloads.download(deps, image_id, None, None)
    assert (got.width, got.height, got.bytes, got.format) == (6000, 4000, 7_000_000, "jpeg")
    assert got.filename == f"red-fox-in-snow-{image_id}.jpg"
    assert got.attribution == "Photo by Alice Liddell on Stock Images"
    assert got.expires_in == deps.limits.download_url_seconds == 300
    # signed by the private store, never the public one
    assert got.url == (
        f"https://signed.test/full/{image_id}.jpg?download={got.filename}&expires=300"
    )


def test_a_public_size_names_itself_in_the_file_name() -> None:
    deps = make_deps()
    image_id = _ready(deps)
    got = downloads.download(deps, image_id, "thumb", None)
    assert (got.width, got.filename) == (200, f"red-fox-in-snow-{image_id}-thumb.webp")


def test_the_original_is_the_exact_version_for_its_owner_and_admins_only() -> None:
    deps = make_deps()
    image_id = _ready(deps)
    for who in (ALICE, ADMIN):
        got = downloads.download(deps, image_id, "original", who)
        assert got.url.endswith("&versionId=v7") and got.bytes == 5_000_000
    for who in (MALLORY, None):
        with pytest.raises(Forbidden):
            downloads.download(deps, image_id, "original", who)


def test_an_unknown_size_is_a_400_that_lists_the_sizes() -> None:
    deps = make_deps()
    image_id = _ready(deps)
    with pytest.raises(InvalidInput) as refused:
        downloads.download(deps, image_id, "poster", None)
    assert refused.value.code == "invalid_size" and "thumb, large, full, original" in str(
        refused.value.message
    )


def test_a_pending_or_deleted_image_is_404_and_not_counted() -> None:
    deps = make_deps()
    pending = request_upload(deps, ALICE, {"filename": "a.jpg", "content_type": "image/jpeg",
                                           "size": 10}).image_id
    gone = _ready(deps)
    deps.repo.mark_deleted(gone, ALICE.sub, "owner_request", "t", 1)
    for image_id in (pending, gone):
        with pytest.raises(NotFound):
            downloads.download(deps, image_id, None, ALICE)
        assert deps.repo.get(image_id).downloads == 0


def test_every_request_counts_once_even_all_at_once() -> None:
    deps = make_deps()
    image_id = _ready(deps)
    start = threading.Barrier(20)

    def one() -> None:
        start.wait()
        downloads.download(deps, image_id, "thumb", None)

    threads = [threading.Thread(target=one) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert deps.repo.get(image_id).downloads == 20

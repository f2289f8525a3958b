"""A moderator's reject withdraws the photo's public renditions (at once, else through its
stream record, else the orphan sweeper); the original and the private full size stay."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import timedelta

import pytest

from chalicelib.auth import Principal
from chalicelib.domain.errors import NotFound
from chalicelib.domain.limits import Limits
from chalicelib.domain.model import Facts, Image, Original, Rendition, Status, full_key
from chalicelib.domain.moderation import Mode, ModerationPolicy
from chalicelib.services import downloads, review
from chalicelib.services.deps import Deps
from chalicelib.services.sweeping import sweep_all
from tests.fakes import make_deps

ADMIN = Principal("sub-admin", "admin", frozenset({"admins"}))
IMAGE_ID = "a" * 32
PUBLIC = (f"{IMAGE_ID}/thumb.webp", f"{IMAGE_ID}/large.webp")
ORIGINAL = f"originals/{IMAGE_ID}"
REJECT = {"decision": "reject", "reason": "  not yours  "}


class RefusingStore:
    """A renditions bucket whose deletes fail (S3 down), everything else passed through."""

    def __init__(self, inner: object) -> None:
        self.inner = inner

    def delete(self, keys: Sequence[str]) -> None:
        raise ConnectionError("S3 refused the delete")

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)


def _in_review(deps: Deps) -> Image:
    """A photo in review whose renditions were cut, with its kept original and full size."""
    renditions = {
        "thumb": Rendition("thumb", PUBLIC[0], 200, 150, "webp", 10),
        "large": Rendition("large", PUBLIC[1], 1280, 960, "webp", 90),
        "full": Rendition("full", full_key(IMAGE_ID), 4000, 3000, "jpeg", 900),
    }
    for key in PUBLIC:
        deps.renditions.put(key, b"R", "image/webp")
    deps.originals.put(full_key(IMAGE_ID), b"FULL", "image/jpeg")
    version = deps.originals.put(ORIGINAL, b"ORIG", "image/jpeg")
    image = Image(IMAGE_ID, "sub-alice", "cat", Status.IN_REVIEW, "2026-01-01T00:00:00Z",
                  facts=Facts(4000, 3000, "landscape", "jpeg", 900), renditions=renditions,
                  review_reasons=("reported",),
                  original=Original(ORIGINAL, version, 4, "sha", "image/jpeg"))
    deps.repo.add(image)
    return image


def _deps() -> Deps:
    return make_deps(limits=Limits(moderation=ModerationPolicy(mode=Mode.ALL)))


def test_a_reject_removes_the_public_renditions_and_invalidates_them_keeping_the_original(
) -> None:
    deps = _deps()
    _in_review(deps)
    rejected = review.decide(deps, ADMIN, IMAGE_ID, REJECT)
    assert (rejected.status, rejected.moderation_note) == (Status.REJECTED, "not yours")
    assert not set(PUBLIC) & set(deps.renditions.objects)  # type: ignore[attr-defined]
    assert deps.cdn.invalidated == [f"/renditions/{IMAGE_ID}/*"]  # type: ignore[attr-defined]
    kept = deps.originals.objects  # type: ignore[attr-defined]
    assert ORIGINAL in kept and full_key(IMAGE_ID) in kept


def test_an_approve_removes_nothing() -> None:
    deps = _deps()
    _in_review(deps)
    review.decide(deps, ADMIN, IMAGE_ID, {"decision": "approve"})
    assert set(PUBLIC) <= set(deps.renditions.objects)  # type: ignore[attr-defined]
    assert deps.cdn.invalidated == []  # type: ignore[attr-defined]


def test_a_failed_purge_leaves_the_decision_made_and_the_stream_record_finishes_it() -> None:
    deps = _deps()
    before = _in_review(deps)
    working = deps.renditions
    broken = dataclasses.replace(deps, renditions=RefusingStore(working))  # type: ignore[arg-type]
    # WHEN S3 refuses the purge right after the status write
    rejected = review.decide(broken, ADMIN, IMAGE_ID, REJECT)
    assert rejected.status is Status.REJECTED
    assert set(PUBLIC) <= set(working.objects)  # type: ignore[attr-defined]
    # THEN the write's stream record (old in review, new rejected) carries the purge
    assert review.finish_withdrawals(deps, [(before, rejected)]) == 1
    assert not set(PUBLIC) & set(working.objects)  # type: ignore[attr-defined]
    assert deps.cdn.invalidated == [f"/renditions/{IMAGE_ID}/*"]  # type: ignore[attr-defined]


def test_the_stream_purge_fails_loudly_so_the_batch_is_retried() -> None:
    deps = _deps()
    before = _in_review(deps)
    rejected = dataclasses.replace(before, status=Status.REJECTED, version=before.version + 1)
    broken = dataclasses.replace(deps, renditions=RefusingStore(deps.renditions))  # type: ignore[arg-type]
    with pytest.raises(ConnectionError):
        review.finish_withdrawals(broken, [(before, rejected)])


@pytest.mark.parametrize("old_status, new_status, withdrawn", [
    (Status.IN_REVIEW, Status.REJECTED, True),
    (None, Status.REJECTED, True),  # a replayed record with no old image still purges
    (Status.REJECTED, Status.REJECTED, False),  # a later record of a rejected image
    (Status.IN_REVIEW, Status.READY, False),
    (Status.READY, Status.IN_REVIEW, False),
    (Status.REJECTED, Status.DELETED, False),  # deletion removes everything itself
])
def test_only_the_record_that_withdraws_a_photo_carries_the_purge(
    old_status: Status | None, new_status: Status, withdrawn: bool,
) -> None:
    deps = _deps()
    image = _in_review(deps)
    old = None if old_status is None else dataclasses.replace(image, status=old_status)
    new = dataclasses.replace(image, status=new_status)
    assert review.withdrawn_by(old, new) is withdrawn
    assert review.finish_withdrawals(deps, [(old, new)]) == int(withdrawn)


def test_a_record_rejected_at_ingest_with_no_renditions_purges_nothing() -> None:
    deps = _deps()
    bare = Image(IMAGE_ID, "sub-alice", "cat", Status.REJECTED, "2026-01-01T00:00:00Z")
    assert review.finish_withdrawals(deps, [(None, bare)]) == 0
    assert deps.cdn.invalidated == []  # type: ignore[attr-defined]


def test_the_sweeper_removes_renditions_a_rejected_record_still_lists_but_keeps_its_files(
) -> None:
    # GIVEN a reject whose purge was lost (the process died and the stream record expired)
    deps = _deps()
    _in_review(deps)
    broken = dataclasses.replace(deps, renditions=RefusingStore(deps.renditions))  # type: ignore[arg-type]
    review.decide(broken, ADMIN, IMAGE_ID, REJECT)
    deps.clock.current += timedelta(hours=1)  # type: ignore[attr-defined]
    # WHEN the sweeper makes a full pass
    report = sweep_all(deps)
    # THEN the public renditions are gone; the original and the private full size stay
    assert report.counts["orphans.renditions"] == len(PUBLIC)
    assert not set(PUBLIC) & set(deps.renditions.objects)  # type: ignore[attr-defined]
    kept = deps.originals.objects  # type: ignore[attr-defined]
    assert ORIGINAL in kept and full_key(IMAGE_ID) in kept


def test_the_owner_still_downloads_the_original_of_a_rejected_photo_and_nothing_else(
) -> None:
    deps = _deps()
    _in_review(deps)
    review.decide(deps, ADMIN, IMAGE_ID, REJECT)
    owner = Principal("sub-alice", "alice", frozenset({"contributors"}))
    mallory = Principal("sub-mallory", "mallory", frozenset({"contributors"}))
    link = downloads.download(deps, IMAGE_ID, "original", owner)
    assert ORIGINAL in link.url and link.downloads == 0  # not counted: not in the catalogue
    assert downloads.download(deps, IMAGE_ID, "original", ADMIN).url
    for who, size in ((owner, None), (owner, "thumb"), (mallory, "original"), (None, "original")):
        with pytest.raises(NotFound):
            downloads.download(deps, IMAGE_ID, size, who)

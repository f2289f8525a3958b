"""The ImageRepository contract, continued: upload quotas (pending slots per owner, grants per
UTC day), counted with conditional writes, on the fake and on DynamoDB alike."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from chalicelib.domain.model import Image, Status
from chalicelib.domain.quotas import Admission, GrantTerms
from chalicelib.ports import ImageRepository
from tests.contract.images import current, move, new_image
from tests.fake_repo import FakeRepo

DAY = "2026-11-27"
RECORD_TTL = 1_800_000_000


def _terms(max_pending: int = 3, daily_limit: int | None = 100) -> GrantTerms:
    return GrantTerms(max_pending, daily_limit, DAY, 1_800_100_000, RECORD_TTL)


def _record_ttl(repo: ImageRepository, image_id: str) -> int | None:
    """The TTL the stored record carries (epoch seconds), read below the port."""
    if isinstance(repo, FakeRepo):
        return repo.expiries.get(image_id)
    record = repo.record.get(image_id, consistent_read=True)  # type: ignore[attr-defined]
    return None if record.expires_at is None else int(record.expires_at)


def _granted(repo: ImageRepository, owner: str = "sub-a", **terms: int | None) -> Image:
    image = new_image(owner)
    assert repo.add_pending(image, _terms(**terms)) is Admission.ADMITTED  # type: ignore[arg-type]
    return image


def test_grants_are_admitted_up_to_the_pending_limit_and_no_further(
    image_repo: ImageRepository,
) -> None:
    held = [_granted(image_repo).image_id for _ in range(3)]
    refused = new_image()
    assert image_repo.add_pending(refused, _terms()) is Admission.TOO_MANY_PENDING
    assert image_repo.get(refused.image_id) is None  # nothing of a refused grant is written
    usage = image_repo.quota_usage("sub-a", DAY)
    assert (usage.pending, usage.today) == (tuple(sorted(held)), 3)
    assert all(current(image_repo, i).status is Status.PENDING for i in held)
    # another owner has slots of their own
    assert image_repo.add_pending(new_image("sub-b"), _terms()) is Admission.ADMITTED


def test_grants_are_admitted_up_to_the_daily_limit_unless_there_is_none(
    image_repo: ImageRepository,
) -> None:
    for _ in range(2):
        _granted(image_repo, max_pending=10, daily_limit=2)
    refused = new_image()
    assert image_repo.add_pending(refused, _terms(10, 2)) is Admission.DAILY_LIMIT
    assert image_repo.get(refused.image_id) is None
    usage = image_repo.quota_usage("sub-a", DAY)
    assert (len(usage.pending), usage.today) == (2, 2)
    # an exempt grant (no daily limit) is still counted
    _granted(image_repo, max_pending=10, daily_limit=None)
    assert image_repo.quota_usage("sub-a", DAY).today == 3
    assert image_repo.quota_usage("sub-a", "2026-11-28").today == 0


def test_a_pending_record_carries_its_ttl_until_processing_starts(
    image_repo: ImageRepository,
) -> None:
    image = _granted(image_repo)
    assert _record_ttl(image_repo, image.image_id) == RECORD_TTL
    assert image_repo.start_processing(image.image_id, "t-start") is not None
    assert _record_ttl(image_repo, image.image_id) is None  # a processing image never vanishes


_LEAVES_PENDING: dict[str, Callable[[ImageRepository, str], bool]] = {
    "processing": lambda repo, i: move(repo, i, Status.PROCESSING),
    "rejected": lambda repo, i: move(repo, i, Status.REJECTED),
    "failed": lambda repo, i: move(repo, i, Status.FAILED),
    "deleted": lambda repo, i: move(repo, i, Status.DELETED),
    "expired": lambda repo, i: repo.expire_pending(i),
}


@pytest.mark.parametrize("leave", list(_LEAVES_PENDING))
def test_leaving_pending_frees_the_slot_once_and_the_day_keeps_its_count(
    image_repo: ImageRepository, leave: str,
) -> None:
    leaving, staying = _granted(image_repo), _granted(image_repo)
    assert _LEAVES_PENDING[leave](image_repo, leaving.image_id)
    usage = image_repo.quota_usage("sub-a", DAY)
    assert (usage.pending, usage.today) == ((staying.image_id,), 2)
    # the freed slot can be taken again; the limit still holds
    _granted(image_repo)
    _granted(image_repo)
    assert image_repo.add_pending(new_image(), _terms()) is Admission.TOO_MANY_PENDING


def test_later_moves_of_an_image_that_left_pending_free_no_other_slot(
    image_repo: ImageRepository,
) -> None:
    moving, staying = _granted(image_repo), _granted(image_repo)
    i = moving.image_id
    assert image_repo.start_processing(i, "t1") is not None
    assert image_repo.start_processing(i, "t2") is not None  # processing -> processing
    assert move(image_repo, i, Status.DELETED)
    assert not image_repo.expire_pending(i)
    image_repo.release_pending("sub-a", i)  # a second free of the same slot
    assert image_repo.quota_usage("sub-a", DAY).pending == (staying.image_id,)


def test_release_frees_a_slot_held_for_a_record_that_went_without_a_transition(
    image_repo: ImageRepository,
) -> None:
    held = [_granted(image_repo).image_id for _ in range(3)]
    image_repo.release_pending("sub-a", held[0])
    image_repo.release_pending("sub-nobody", held[1])  # another owner's: no change
    assert image_repo.quota_usage("sub-a", DAY).pending == tuple(sorted(held[1:]))
    _granted(image_repo)


def test_racing_grants_admit_exactly_the_limit(image_repo: ImageRepository) -> None:
    images = [new_image() for _ in range(10)]
    outcomes: list[Admission | None] = [None] * len(images)
    start = threading.Barrier(len(images))

    def grant(n: int) -> None:
        start.wait()
        outcomes[n] = image_repo.add_pending(images[n], _terms(max_pending=4))

    threads = [threading.Thread(target=grant, args=(n,)) for n in range(len(images))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    admitted = {images[n].image_id for n, o in enumerate(outcomes) if o is Admission.ADMITTED}
    assert len(admitted) == 4
    assert outcomes.count(Admission.TOO_MANY_PENDING) == 6
    usage = image_repo.quota_usage("sub-a", DAY)
    assert (set(usage.pending), usage.today) == (admitted, 4)
    assert {i.image_id for i in images if image_repo.get(i.image_id)} == admitted

"""The duplicate rule: same owner rejects, another owner's photo is reviewed, nearest first."""

from __future__ import annotations

import pytest

from chalicelib.domain.dedupe import Candidate, Verdict, judge
from chalicelib.domain.lifecycle import Status

NEW = "n" * 32
HASH = 0x0123_4567_89AB_CDEF


def _near(image_id: str, owner: str, bits: int, status: Status = Status.READY) -> Candidate:
    """A candidate whose hash differs from HASH in its `bits` lowest bits."""
    return Candidate(image_id, owner, status, False, HASH ^ ((1 << bits) - 1))


def _exact(image_id: str, owner: str, status: Status = Status.READY) -> Candidate:
    return Candidate(image_id, owner, status, True, None)


def test_no_candidates_is_a_new_photo() -> None:
    assert judge(NEW, "alice", HASH, [], 7) == Verdict()


def test_the_owners_own_photo_rejects_even_when_another_owners_is_nearer() -> None:
    found = [_near("b" * 32, "bob", 0), _near("a" * 32, "alice", 5)]
    assert judge(NEW, "alice", HASH, found, 7) == Verdict(duplicate_of="a" * 32)


def test_another_owners_photo_is_a_possible_duplicate_nearest_first() -> None:
    found = [_near("c" * 32, "carol", 6), _near("b" * 32, "bob", 2)]
    assert judge(NEW, "alice", HASH, found, 7) == Verdict(possible_duplicate_of="b" * 32)


def test_an_exact_match_comes_before_any_near_one() -> None:
    found = [_near("a" * 32, "alice", 0), _exact("e" * 32, "alice")]
    assert judge(NEW, "alice", HASH, found, 7).duplicate_of == "e" * 32


def test_beyond_the_distance_is_not_a_match() -> None:
    assert judge(NEW, "alice", HASH, [_near("a" * 32, "alice", 8)], 7) == Verdict()
    assert judge(NEW, "alice", HASH, [_near("a" * 32, "alice", 7)], 7).duplicate_of


def test_the_image_itself_never_matches_so_a_redelivery_is_safe() -> None:
    assert judge(NEW, "alice", HASH, [_exact(NEW, "alice"), _near(NEW, "alice", 0)], 7) == Verdict()


@pytest.mark.parametrize("status", [Status.REJECTED, Status.DELETED, Status.FAILED,
                                    Status.PENDING])
def test_ended_or_unaccepted_images_do_not_match(status: Status) -> None:
    found = [_exact("a" * 32, "alice", status), _near("b" * 32, "bob", 0, status)]
    assert judge(NEW, "alice", HASH, found, 7) == Verdict()


@pytest.mark.parametrize("status", [Status.PROCESSING, Status.IN_REVIEW, Status.READY])
def test_accepted_images_match_while_processing_in_review_or_ready(status: Status) -> None:
    assert judge(NEW, "alice", HASH, [_near("a" * 32, "alice", 1, status)], 7).duplicate_of

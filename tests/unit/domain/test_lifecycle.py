"""The image lifecycle: which status may become which, checked for every pair."""

from __future__ import annotations

import itertools

import pytest

from chalicelib.domain.lifecycle import (
    AWAITING_DECISION,
    OPEN,
    STAGED,
    decision_sources,
    machine_sources,
)
from chalicelib.domain.model import DOWNLOADABLE, EDITABLE, RECORDING, Status, sources_of

P, W, V, R, X, F, D = (
    Status.PENDING, Status.PROCESSING, Status.IN_REVIEW, Status.READY, Status.REJECTED,
    Status.FAILED, Status.DELETED,
)
# Written out by hand, independently of the module's table: the rules the services rely on.
ALLOWED = {(P, W), (W, W), (W, R), (P, X), (W, X), (P, F), (W, F),
           (P, D), (W, D), (R, D), (X, D), (F, D),
           # moderation: held at the end of processing, decided by an admin, reported back
           (W, V), (V, R), (V, X), (V, D), (R, V)}


@pytest.mark.parametrize(
    ("source", "target"), list(itertools.product(Status, Status)), ids=lambda s: s.value
)
def test_may_become_is_exactly_the_lifecycle(source: Status, target: Status) -> None:
    assert source.may_become(target) is ((source, target) in ALLOWED)


@pytest.mark.parametrize("target", list(Status), ids=lambda s: s.value)
def test_sources_of_lists_every_status_that_may_become_the_target(target: Status) -> None:
    assert sources_of(target) == tuple(s for s in Status if (s, target) in ALLOWED)


def test_the_sources_the_services_rely_on() -> None:
    assert sources_of(W) == (P, W)  # a redelivered ingest message carries on
    assert machine_sources(R) == (W,)  # so only one finish can win, never an admin's approval
    assert machine_sources(V) == (W,)  # and a finish that holds the image is a finish too
    assert machine_sources(X) == sources_of(F) == (P, W)  # a late task never rejects a held one
    assert decision_sources(R) == decision_sources(X) == (V,)  # decided once: 409 after
    assert sources_of(V) == (W, R)  # held at the end of processing, or reported back
    assert sources_of(P) == ()
    assert sources_of(D) == (P, W, V, R, X, F)  # anything may be deleted, once


@pytest.mark.parametrize("status", list(Status), ids=lambda s: s.value)
def test_terminal_statuses_are_those_processing_is_done_with(status: Status) -> None:
    assert status.terminal is not status.may_become(W)
    assert status.terminal is (status in (V, R, X, F, D))


def test_the_sweeper_owns_open_work_and_the_review_queue_waits_for_a_human() -> None:
    assert OPEN == (P, W)  # in review is never re-sent nor expired by the sweeper
    assert AWAITING_DECISION == (V,)
    assert STAGED == (P, W, V)  # all three are listed on by_stage


def test_metadata_is_editable_until_deleted_and_work_recorded_only_while_processing() -> None:
    assert set(EDITABLE) == set(Status) - {D}
    assert RECORDING == (W,)
    assert DOWNLOADABLE == (R,)

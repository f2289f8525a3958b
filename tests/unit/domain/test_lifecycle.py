"""The image lifecycle: which status may become which, checked for every pair."""

from __future__ import annotations

import itertools

import pytest

from chalicelib.domain.model import DOWNLOADABLE, EDITABLE, RECORDING, Status, sources_of

P, W, R, X, F, D = (
    Status.PENDING, Status.PROCESSING, Status.READY, Status.REJECTED, Status.FAILED,
    Status.DELETED,
)
# Written out by hand, independently of the module's table: the rules the services rely on.
ALLOWED = {(P, W), (W, W), (W, R), (P, X), (W, X), (P, F), (W, F),
           (P, D), (W, D), (R, D), (X, D), (F, D)}


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
    assert sources_of(R) == (W,)  # so only one finish can win
    assert sources_of(X) == sources_of(F) == (P, W)
    assert sources_of(P) == ()
    assert sources_of(D) == (P, W, R, X, F)  # anything may be deleted, once


@pytest.mark.parametrize("status", list(Status), ids=lambda s: s.value)
def test_terminal_statuses_are_those_only_a_delete_can_still_change(status: Status) -> None:
    becomes_more_than_deleted = any(
        status.may_become(other) for other in Status if other is not D
    )
    assert status.terminal is not becomes_more_than_deleted
    assert status.terminal is (status in (R, X, F, D))


def test_metadata_is_editable_until_deleted_and_work_recorded_only_while_processing() -> None:
    assert set(EDITABLE) == set(Status) - {D}
    assert RECORDING == (W,)
    assert DOWNLOADABLE == (R,)

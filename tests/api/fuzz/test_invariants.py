"""The state checker the fuzz tests run after each answer catches each broken rule."""

from __future__ import annotations

from dataclasses import replace

import pytest

from chalicelib.domain.limits import Limits
from chalicelib.domain.model import Image, Status
from tests.api.fuzz.invariants import foreign_changes, image_problems

GOOD = Image("img1", "sub-alice", "alice", Status.READY, "2026-12-07T00:00:00Z",
             title="Sea", tags=("sea", "sand"))


def test_a_valid_image_has_no_problem() -> None:
    assert image_problems(GOOD, Limits()) == []


@pytest.mark.parametrize("broken", [
    replace(GOOD, status="lost"),  # type: ignore[arg-type]
    replace(GOOD, tags=tuple(f"t{n}" for n in range(31))),
    replace(GOOD, tags=("a,b",)),
    replace(GOOD, tags=("",)),
    replace(GOOD, title="Sun\ud800set"),
    replace(GOOD, title="x" * 201),
    replace(GOOD, downloads=-1),
    replace(GOOD, open_reports=-1),
])
def test_each_broken_rule_is_named(broken: Image) -> None:
    assert len(image_problems(broken, Limits())) == 1


def test_a_non_admin_changing_or_deleting_someone_elses_image_is_caught() -> None:
    before = {"img1": GOOD}
    retitled = {"img1": replace(GOOD, title="Mine now")}
    deleted = {"img1": replace(GOOD, status=Status.DELETED)}
    assert foreign_changes(before, retitled, "sub-mallory", admin=False) != []
    assert foreign_changes(before, deleted, "sub-mallory", admin=False) != []
    assert foreign_changes(before, {}, "sub-mallory", admin=False) != []
    # the owner and an admin may; a download or a report by someone else changes no owned field
    assert foreign_changes(before, retitled, "sub-alice", admin=False) == []
    assert foreign_changes(before, deleted, "sub-admin", admin=True) == []
    counted = {"img1": replace(GOOD, downloads=3, open_reports=1)}
    assert foreign_changes(before, counted, "sub-mallory", admin=False) == []

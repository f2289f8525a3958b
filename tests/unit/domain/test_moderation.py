"""The hold rule and the shapes of reports and decisions: pure, table-tested."""

from __future__ import annotations

import pytest

from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.moderation import (
    Decision,
    Mode,
    ModerationPolicy,
    Report,
    hold_reasons,
    needs_owner_history,
    parse_decision,
    parse_report,
)

OFF, NEW, ALL = (ModerationPolicy(mode=m, new_contributor_photos=5) for m in Mode)


@pytest.mark.parametrize(("policy", "admin", "published", "duplicate_of", "expected"), [
    (OFF, False, 0, "", ()),
    (NEW, False, 0, "", ("new_contributor",)),
    (NEW, False, 4, "", ("new_contributor",)),  # the fifth photo is still reviewed
    (NEW, False, 5, "", ()),
    (ALL, False, 99, "", ("all_reviewed",)),
    (OFF, False, 0, "a" * 32, ("possible_duplicate",)),  # whatever the setting
    (NEW, False, 0, "a" * 32, ("new_contributor", "possible_duplicate")),
    (ALL, True, 0, "a" * 32, ()),  # an admin's photo is never held
    (NEW, True, 0, "", ()),
])
def test_the_hold_rule(
    policy: ModerationPolicy, admin: bool, published: int, duplicate_of: str,
    expected: tuple[str, ...],
) -> None:
    assert hold_reasons(policy, admin, published, duplicate_of) == expected


def test_the_owners_history_is_read_only_for_new_contributors_mode() -> None:
    assert needs_owner_history(NEW, owner_is_admin=False)
    assert not needs_owner_history(NEW, owner_is_admin=True)
    assert not needs_owner_history(OFF, False) and not needs_owner_history(ALL, False)


@pytest.mark.parametrize("body", [None, [], {}, {"reason": "ugly"}, {"reason": 3}])
def test_a_report_needs_a_known_reason(body: object) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_report(body, ModerationPolicy())
    assert caught.value.code == "invalid_reason"


def test_a_report_note_is_optional_text_within_its_limit() -> None:
    policy = ModerationPolicy(report_note_chars=5)
    assert parse_report({"reason": "spam"}, policy) == ("spam", "")
    assert parse_report({"reason": "other", "note": " mine "}, policy) == ("other", "mine")
    for note in ("toolong", 7):
        with pytest.raises(InvalidInput):
            parse_report({"reason": "other", "note": note}, policy)


def test_a_decision_is_approve_or_reject_with_optional_words() -> None:
    assert parse_decision({"decision": "reject", "reason": "blurry"}, ModerationPolicy()) == (
        "reject", "blurry")
    with pytest.raises(InvalidInput) as caught:
        parse_decision({"decision": "maybe"}, ModerationPolicy())
    assert caught.value.code == "invalid_decision"


def test_reports_and_decisions_round_trip_their_stored_form() -> None:
    report = Report("sub-1", "spam", "n", "t")
    decision = Decision("sub-admin", "t", "reject", "no", ("reported",))
    assert Report.from_json(report.as_json()) == report
    assert Decision.from_json(decision.as_json()) == decision

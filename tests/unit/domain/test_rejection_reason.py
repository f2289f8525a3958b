"""A rejection must carry words for the owner: 1..DECISION_NOTE_CHARS once trimmed."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.moderation import ModerationPolicy, parse_decision

POLICY = ModerationPolicy(decision_note_chars=10)


@pytest.mark.parametrize("reason", [None, "", "   ", "\n\t ", 42, ["no"], "x" * 11])
def test_a_reject_without_words_or_with_too_many_is_refused(reason: Any) -> None:
    body = {"decision": "reject"} if reason is None else {"decision": "reject", "reason": reason}
    with pytest.raises(InvalidInput) as refused:
        parse_decision(body, POLICY)
    assert refused.value.code == "reason_required"
    assert "10 characters" in refused.value.message


@pytest.mark.parametrize("reason, kept", [("x", "x"), ("  blurry \n", "blurry"),
                                          ("  " + "y" * 10 + "  ", "y" * 10)])
def test_a_reject_keeps_its_trimmed_words(reason: str, kept: str) -> None:
    assert parse_decision({"decision": "reject", "reason": reason}, POLICY) == ("reject", kept)


def test_an_approve_needs_no_words() -> None:
    assert parse_decision({"decision": "approve"}, POLICY) == ("approve", "")
    assert parse_decision({"decision": "approve", "reason": ""}, POLICY) == ("approve", "")


def test_the_limit_is_the_decision_note_setting() -> None:
    roomy = ModerationPolicy(decision_note_chars=1000)
    assert parse_decision({"decision": "reject", "reason": "z" * 1000}, roomy)[1] == "z" * 1000

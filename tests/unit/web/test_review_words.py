"""The review page and the report control speak the API's vocabulary and keep its limits."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from chalicelib.domain.moderation import REPORT_REASONS, ModerationPolicy, ReviewReason

VIEWS = Path(__file__).resolve().parents[3] / "web" / "js" / "views"


def _source(name: str) -> str:
    return (VIEWS / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("reason", list(ReviewReason))
def test_every_reason_a_photo_waits_for_review_has_words(reason: ReviewReason) -> None:
    assert f"reason === '{reason.value}'" in _source("reviewitem.js")


@pytest.mark.parametrize("reason", REPORT_REASONS)
def test_every_report_reason_can_be_chosen_and_is_named_on_the_review_page(reason: str) -> None:
    assert f"['{reason}', '" in _source("report.js")
    assert f"{reason}: '" in _source("reviewitem.js")


def test_the_note_fields_allow_what_the_api_allows_by_default() -> None:
    policy = ModerationPolicy()
    report_note = re.search(r"const NOTE_CHARS = (\d+);", _source("report.js"))
    decision_note = re.search(r"id: 'review-reason'.*?maxlength: (\d+)", _source("reviewitem.js"),
                              re.S)
    assert report_note and int(report_note.group(1)) == policy.report_note_chars
    assert decision_note and int(decision_note.group(1)) == policy.decision_note_chars

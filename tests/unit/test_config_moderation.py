"""MODERATION settings: read into the domain's policy, wrong values refused at start."""

from __future__ import annotations

import pytest

from chalicelib import config
from chalicelib.domain.moderation import Mode, ModerationPolicy


def test_defaults_hold_nothing_and_review_five_then_three_reports() -> None:
    assert config.load({}).limits.moderation == ModerationPolicy(
        Mode.OFF, new_contributor_photos=5, report_threshold=3)


def test_each_setting_is_read() -> None:
    policy = config.load({
        "MODERATION": "new_contributors", "MODERATION_NEW_CONTRIBUTOR_PHOTOS": "2",
        "REVIEW_REPORT_THRESHOLD": "7", "REPORT_NOTE_CHARS": "50", "DECISION_NOTE_CHARS": "60",
    }).limits.moderation
    assert policy == ModerationPolicy(Mode.NEW_CONTRIBUTORS, 2, 7, 50, 60)


@pytest.mark.parametrize("env", [{"MODERATION": "sometimes"}, {"REVIEW_REPORT_THRESHOLD": "0"}])
def test_a_wrong_value_stops_the_start(env: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        config.load(env)

"""The web app has plain words for a moderator's rejection."""

from __future__ import annotations

import re
from pathlib import Path

from chalicelib.domain.moderation import MODERATION_REASON

LIMITS_JS = Path(__file__).resolve().parents[3] / "web" / "js" / "limits.js"


def test_a_moderators_rejection_has_plain_words_in_the_browser() -> None:
    explained = set(re.findall(r"^\s+(\w+): '", LIMITS_JS.read_text(), flags=re.MULTILINE))
    assert MODERATION_REASON in explained

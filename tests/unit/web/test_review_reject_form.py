"""The review page cannot send a reject without words, and shows the API's refusal in its
own words (the server's `reason_required` message) if one ever comes back."""

from __future__ import annotations

import re
from pathlib import Path

VIEWS = Path(__file__).resolve().parents[3] / "web" / "js" / "views"


def _source(name: str) -> str:
    return (VIEWS / name).read_text(encoding="utf-8")


def test_the_reason_field_is_required_and_an_empty_trimmed_reason_is_never_sent() -> None:
    form = _source("reviewitem.js")
    assert re.search(r"id: 'review-reason'[^)]*required: true", form)
    submit = re.search(r"addEventListener\('submit'.*?\}\);", form, re.S)
    assert submit is not None
    body = submit.group(0)
    assert "words.value.trim()" in body
    assert "if (reason) actions.decide('reject', reason);" in body
    assert "else words.reportValidity();" in body


def test_any_refusal_but_a_race_is_shown_in_the_pane_with_the_servers_words() -> None:
    page = _source("review.js")
    assert "else if (state.pane) state.pane.fail(error.message);" in page
    assert "error.textContent = message;" in _source("reviewitem.js")
    assert "role: 'alert'" in _source("reviewitem.js")

"""The web app refuses obviously wrong files itself; its rules must be the API's rules."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from chalicelib.domain.errors import FAILURE_REASONS, REJECTION_REASONS, InvalidInput
from chalicelib.domain.limits import Limits
from chalicelib.domain.model import ACCEPTED_CONTENT_TYPES
from chalicelib.domain.requests import parse_upload
from chalicelib.domain.search.limits import SearchLimits, check_chars

LIMITS_JS = Path(__file__).resolve().parents[3] / "web" / "js" / "limits.js"


def _source() -> str:
    return LIMITS_JS.read_text(encoding="utf-8")


def _constant(name: str) -> str:
    found = re.search(rf"export const {name} = (.+?);", _source())
    assert found, f"{name} is not declared in limits.js"
    return found.group(1)


def _js_message(code: str) -> str:
    """The message limits.js gives for `code`, with MAX_UPLOAD_BYTES worked out."""
    found = re.search(rf"code: '{code}', message: (['`])(.+?)\1", _source())
    assert found, f"no message for {code} in limits.js"
    text = found.group(2)
    megabytes = int(_constant("MAX_UPLOAD_BYTES")) / 1048576
    return text.replace("${MAX_UPLOAD_BYTES / 1048576}", f"{megabytes:g}")


def _api_error(**overrides: object) -> InvalidInput:
    body = {"filename": "a.jpg", "content_type": "image/jpeg", "size": 10, **overrides}
    with pytest.raises(InvalidInput) as caught:
        parse_upload(body, Limits())
    return caught.value


def test_given_the_api_limits_then_the_browser_knows_the_same_types_and_size() -> None:
    assert int(_constant("MAX_UPLOAD_BYTES")) == Limits().max_upload_bytes
    assert int(_constant("MAX_TITLE_CHARS")) == Limits().max_title_chars
    assert int(_constant("MAX_DESCRIPTION_CHARS")) == Limits().max_description_chars
    types = re.findall(r"'([^']+)'", _constant("ACCEPTED_TYPES"))
    assert sorted(types) == sorted(ACCEPTED_CONTENT_TYPES)


@pytest.mark.parametrize(
    ("code", "overrides"),
    [
        ("unsupported_type", {"content_type": "image/gif"}),
        ("too_large", {"size": Limits().max_upload_bytes + 1}),
        ("invalid_size", {"size": 0}),
    ],
)
def test_given_a_refused_file_then_browser_and_api_say_the_same_words(
    code: str, overrides: dict[str, object]
) -> None:
    error = _api_error(**overrides)
    assert error.code == code
    assert _js_message(code) == error.message


def test_every_reason_an_image_can_end_with_has_plain_words_in_the_browser() -> None:
    explained = set(re.findall(r"^\s+(\w+): '", _source(), flags=re.MULTILINE))
    assert set(REJECTION_REASONS) | set(FAILURE_REASONS) <= explained


def test_given_a_long_search_then_the_browser_refuses_it_with_the_api_limit_and_words() -> None:
    limit = int(_constant("MAX_QUERY_CHARS"))
    assert limit == SearchLimits().max_query_chars
    found = re.search(r"return `(A search can be at most .+?)`;", _source())
    assert found, "no query refusal in limits.js"
    browser = found.group(1).replace("${MAX_QUERY_CHARS}", str(limit))
    browser = browser.replace("${text.length}", str(limit + 1))
    with pytest.raises(InvalidInput) as caught:
        check_chars("x" * (limit + 1), SearchLimits())
    assert browser == caught.value.message

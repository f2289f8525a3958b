"""Hostile values: odd text, odd numbers and odd JSON, as hypothesis strategies."""

from __future__ import annotations

import base64
import json
from typing import Any

from hypothesis import strategies as st

# Each of these once broke an API somewhere: a lone surrogate, NUL, bidi and zero-width marks,
# combining characters, digits Python's isdigit() takes but int() refuses, a comma in a tag.
ODD_CHARS = ("\ud800", "\udfff", "\x00", "\u202e", "\u200b", "\u200d", "\ufeff", "\u0301",
             "\u0663", "²", "\U0001f600", ",", "%", "\\", '"', "\n", "\t", "<", "&", "#")
ODD_NUMBERS = ("0", "-1", "1e309", "-0", "NaN", "Infinity", "-Infinity", "1.5", "0x10",
               "1_000", "+2", " 3", "²", "\u0661\u0662", "01", "9" * 20, "")
# Built, not listed: a strategy's repr shows its values, and 5,000 digits make it useless.
huge_digits = st.sampled_from((5000,)).map(lambda n: "9" * n)

odd_char = st.sampled_from(ODD_CHARS)
plain_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=12)
odd_text = st.one_of(
    plain_text,
    st.lists(st.one_of(odd_char, plain_text), max_size=6).map("".join),
    st.text(max_size=20),  # surrogates included: hypothesis draws every code point
    st.builds(lambda c, n: c * n, st.sampled_from(("a", "é", "\u0301", ",")),
              st.sampled_from((51, 201, 257, 2001, 20_000))),
)
# What an HTTP header can carry at all (latin-1, no control characters).
header_text = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF,
                                             exclude_characters="\x7f"), max_size=40
                      ).map(str.lstrip)  # a client cannot send a value that starts blank
odd_number_text = st.one_of(st.sampled_from(ODD_NUMBERS), st.integers().map(str), huge_digits)


def deep_json(depth: int) -> str:
    """JSON text nested `depth` times (past Python's recursion limit for large depths)."""
    return "[" * depth + "]" * depth


json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
    odd_text, st.sampled_from((64, 400)).map(lambda n: 10**n), st.just(-(2**63) - 1),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(odd_text, inner, max_size=4)),
    max_leaves=12,
)


def to_json(value: Any) -> str:
    """JSON text of a value; lone surrogates become \\ud800 escapes, as a client may send."""
    return json.dumps(value)


# JSON text no encoder would write: the parser must refuse or accept it, never crash.
RAW_JSON = (
    "NaN", "[NaN]", '{"size": Infinity}', '{"size": 1e999}',
    '{"title": "a", "title": "b"}', '{"tags": ["a"], "tags": "x"}', '"\\ud800"',
    '{"title": "\\ud800"}', "{", "", "null", "[]", '{"a":1}garbage', "\ufeff{}",
    '{"title": "\x00"}',
)
raw_json = st.one_of(
    st.sampled_from(RAW_JSON),
    huge_digits.map(lambda digits: '{"size": ' + digits + "}"),
    st.sampled_from((50, 1000, 5000)).map(deep_json),
    st.sampled_from((50, 3000)).map(lambda n: '{"a":' * n + "1" + "}" * n),
)


def b64(text: str) -> str:
    """URL-safe base64 without padding, as cursors are written."""
    return base64.urlsafe_b64encode(text.encode("utf-8", "surrogatepass")).decode().rstrip("=")


garbage_cursors = st.one_of(
    st.sampled_from(("", "=", "%%", "a" * 5000, "e30", "W10", "bnVsbA")),
    odd_text,
    raw_json.map(b64),
    json_values.map(lambda v: b64(to_json(v))),
)

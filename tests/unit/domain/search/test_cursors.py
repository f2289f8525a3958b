"""Search cursors: opaque, small, and refused unless issued for this query with this key."""

from __future__ import annotations

import base64
import dataclasses
import random
import re
import string
from typing import Any

import pytest

from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.search import DateParts, SearchQuery, Sort
from chalicelib.domain.search.cursors import (
    MAX_CURSOR_CHARS,
    TAG_BYTES,
    decode_cursor,
    encode_cursor,
    fingerprint,
)
from chalicelib.domain.search.query import parse_search

SECRET = b"cursor-test-secret"
QUERY = parse_search({"q": "red car", "color": "red"})
KEY = fingerprint(QUERY)
# A newest-sort page marker as the service builds it: fuzzy flag, created_at, image_id.
AFTER = (0, "2026-11-27T12:00:00.000000Z", "01JD3K8Q7M2X4Y6Z8A0B2C4D6E")


def refused(cursor: str, secret: bytes = SECRET, key: str = KEY) -> None:
    with pytest.raises(InvalidInput) as caught:
        decode_cursor(secret, key, cursor)
    assert caught.value.code == "invalid_cursor"


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


ROUND_TRIPS: dict[str, tuple[Any, ...]] = {
    "newest": AFTER,
    "relevance score float": (1, 12.345678901234567, "img-1"),
    "float that is not short": (0, 0.1 + 0.2, "img-2"),
    "popular": (0, 1_000_000, "2026-11-27T12:00:00.000000Z", "img-3"),
    "big int": (2**63 + 1,),
    "none and bools": (None, True, False),
    "unicode": ("東京 été 🐈",),
    "empty": (),
}


@pytest.mark.parametrize("after", ROUND_TRIPS.values(), ids=ROUND_TRIPS.keys())
def test_given_sort_values_when_encoded_then_decoding_gives_them_back(after: tuple) -> None:
    cursor = encode_cursor(SECRET, KEY, after)
    assert decode_cursor(SECRET, KEY, cursor) == after


def test_given_nested_values_when_round_tripped_then_they_come_back_as_lists() -> None:
    cursor = encode_cursor(SECRET, KEY, (1, (2, 3)))
    assert decode_cursor(SECRET, KEY, cursor) == (1, [2, 3])


def test_given_a_typical_cursor_then_it_is_short_url_safe_and_opaque() -> None:
    cursor = encode_cursor(SECRET, KEY, AFTER)
    # URL-safe alphabet, no padding: it goes into a query string as is.
    assert re.fullmatch(r"[A-Za-z0-9_-]+", cursor)
    assert len(cursor) <= 120
    # Neither the secret nor the fingerprint travels in it.
    raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    assert SECRET not in raw and KEY.encode() not in raw


def test_given_a_cursor_for_another_query_when_decoded_then_refused() -> None:
    cursor = encode_cursor(SECRET, KEY, AFTER)
    other = fingerprint(parse_search({"q": "red car", "color": "blue"}))
    refused(cursor, key=other)


def test_given_a_cursor_signed_with_another_key_when_decoded_then_refused() -> None:
    refused(encode_cursor(b"another-secret", KEY, AFTER))


def test_given_a_payload_of_our_own_re_signed_by_someone_else_when_decoded_then_refused() -> None:
    # GIVEN an attacker who knows the format and picks page values, but not our key
    forged = encode_cursor(b"guess", KEY, (0, "9999-12-31T00:00:00Z", "zzz"))
    refused(forged)


def test_given_our_tag_on_another_payload_when_decoded_then_refused() -> None:
    genuine = base64.urlsafe_b64decode(encode_cursor(SECRET, KEY, AFTER) + "==")
    tag = genuine[-TAG_BYTES:]
    refused(b64(b'[0,"9999-12-31T00:00:00Z","zzz"]' + tag))


@pytest.mark.parametrize("after", ROUND_TRIPS.values(), ids=ROUND_TRIPS.keys())
def test_given_every_single_character_changed_when_decoded_then_refused(after: tuple) -> None:
    # Lengths vary, so some cursors end in a character with unused low bits.
    cursor = encode_cursor(SECRET, KEY, after)
    for position, char in enumerate(cursor):
        swapped = "A" if char != "A" else "B"
        refused(cursor[:position] + swapped + cursor[position + 1 :])


def test_given_a_truncated_cursor_when_decoded_then_refused_at_every_length() -> None:
    cursor = encode_cursor(SECRET, KEY, AFTER)
    for length in range(len(cursor)):
        refused(cursor[:length])


HOSTILE = {
    "empty": "",
    "padding added": "=",
    "not base64": "not a cursor!",
    "standard base64 alphabet": "ab+/cd==",
    "json in clear": '[0,"x"]',
    "percent-encoded": "%5B0%5D",
    "only a tag's worth": b64(b"\x00" * TAG_BYTES),
    "no tag at all": b64(b"[0]"),
    "too long": "A" * (MAX_CURSOR_CHARS + 4),
    "whitespace inside": "QUJD REVG",
    "newline at end": "QUJDREVG\n",
}


@pytest.mark.parametrize("cursor", HOSTILE.values(), ids=HOSTILE.keys())
def test_given_a_hostile_cursor_when_decoded_then_invalid_cursor(cursor: str) -> None:
    refused(cursor)


def test_given_a_genuine_cursor_with_padding_added_when_decoded_then_refused() -> None:
    # Only the exact text we issued is accepted, not another spelling of the same bytes.
    refused(encode_cursor(SECRET, KEY, AFTER) + "==")


def test_given_random_strings_when_decoded_then_only_invalid_cursor_is_raised() -> None:
    rng = random.Random(1224)
    alphabet = string.ascii_letters + string.digits + "-_=+/ %.é\x00"
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 160)))
        refused(text)


def test_given_an_empty_secret_when_encoding_or_decoding_then_a_configuration_error() -> None:
    with pytest.raises(ValueError):
        encode_cursor(b"", KEY, AFTER)
    with pytest.raises(ValueError):
        decode_cursor(b"", KEY, encode_cursor(SECRET, KEY, AFTER))


# --- fingerprint ---------------------------------------------------------------------------

# One different value for every field a query asks; the page fields are left out on purpose.
CHANGED: dict[str, Any] = {
    "words": ("red",),
    "prefix_last": False,
    "desc_words": ("red",),
    "camera_words": ("nikon",),
    "tags": ("red",),
    "orientation": "square",
    "color": "red",
    "min_width": 100,
    "min_height": 100,
    "owner": "someone",
    "date": DateParts(2020),
    "date_from": "2020-01-01",
    "date_to": "2020-01-01",
    "sort": Sort.POPULAR,
    "per_page": 10,
}


def test_every_asking_field_of_search_query_has_a_changed_value_here() -> None:
    names = {f.name for f in dataclasses.fields(SearchQuery)}
    # A new SearchQuery field must be added to CHANGED, or cursors could cross queries.
    assert set(CHANGED) == names - {"search_after", "fuzzy", "count_up_to", "min_words"}


@pytest.mark.parametrize("name, value", CHANGED.items(), ids=CHANGED.keys())
def test_given_any_field_changed_when_fingerprinted_then_the_fingerprint_changes(
    name: str, value: Any
) -> None:
    base = SearchQuery()
    assert fingerprint(dataclasses.replace(base, **{name: value})) != fingerprint(base)


def test_given_only_the_page_fields_changed_when_fingerprinted_then_it_stays() -> None:
    paged = dataclasses.replace(QUERY, search_after=(1, "x"), fuzzy=True)
    assert fingerprint(paged) == fingerprint(QUERY)
    # How far totals are counted changes no result: a cap changed by config keeps cursors.
    assert fingerprint(dataclasses.replace(QUERY, count_up_to=7)) == fingerprint(QUERY)


def test_given_the_same_request_parsed_twice_then_the_same_fingerprint() -> None:
    params = {"q": "Red  car tags:a date:2016", "color": "RED", "per_page": "30"}
    assert fingerprint(parse_search(params)) == fingerprint(parse_search(dict(params)))


def test_given_similar_date_parts_when_fingerprinted_then_they_differ() -> None:
    # December of any year is not the 12th of any month.
    month = SearchQuery(date=DateParts(None, 12, None))
    day = SearchQuery(date=DateParts(None, None, 12))
    assert fingerprint(month) != fingerprint(day)

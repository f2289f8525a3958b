"""Use cases: search ready images and suggest completions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.search import MAX_QUERY_CHARS, SearchPage
from chalicelib.domain.search.cursors import decode_cursor, encode_cursor, fingerprint
from chalicelib.domain.search.query import parse_search
from chalicelib.ports import SearchIndex

SUGGESTIONS = 10
MIN_PREFIX = 2


@dataclass(frozen=True)
class SearchAnswer:
    """A page of results, the cursor for the next one, and whether typos were forgiven."""

    page: SearchPage
    next_cursor: str | None
    fuzzy: bool


def search(index: SearchIndex, params: Mapping[str, str], secret: bytes) -> SearchAnswer:
    """Parse, run, and when nothing matches retry once with typo tolerance."""
    query = parse_search(params)
    key = fingerprint(query)
    fuzzy = False
    cursor = params.get("cursor")
    if cursor:
        # The first value says whether the pages of this result set are the fuzzy retry's.
        flag, *after = decode_cursor(secret, key, cursor)
        fuzzy = bool(flag)
        query = replace(query, search_after=tuple(after), fuzzy=fuzzy)
    page = index.search(query)
    if page.total == 0 and query.words and not cursor:
        fuzzy = True
        page = index.search(replace(query, fuzzy=True))
    next_cursor = None
    if page.next_after is not None:
        next_cursor = encode_cursor(secret, key, (int(fuzzy), *page.next_after))
    return SearchAnswer(page, next_cursor, fuzzy)


def suggest(index: SearchIndex, text: str) -> list[str]:
    """Up to ten completions for a prefix of two or more characters."""
    if len(text) > MAX_QUERY_CHARS:
        raise InvalidInput("query_too_long", f"q may be at most {MAX_QUERY_CHARS} characters.")
    prefix = " ".join(text.lower().split())
    if len(prefix) < MIN_PREFIX:
        return []
    return index.suggest(prefix, SUGGESTIONS)

"""Use cases: search ready images and suggest completions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from chalicelib.domain.search import SearchPage, SearchQuery
from chalicelib.domain.search.cursors import decode_cursor, encode_cursor, fingerprint
from chalicelib.domain.search.limits import SearchLimits, check_chars, fuzzy_allowed
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
    query: SearchQuery | None = None  # as parsed (what counting unsatisfied searches reads)


def _may_retry(query: SearchQuery, limits: SearchLimits) -> bool:
    return bool(query.words) and fuzzy_allowed(query.words, query.desc_words, limits)


def search(
    index: SearchIndex,
    params: Mapping[str, str],
    secret: bytes,
    limits: SearchLimits | None = None,
) -> SearchAnswer:
    """Parse, run, and when nothing matches a short query retry once with typo tolerance."""
    limits = limits or SearchLimits()
    query = parse_search(params, limits)
    key = fingerprint(query)
    fuzzy = False
    cursor = params.get("cursor")
    if cursor:
        # The first value says whether the pages of this result set are the fuzzy retry's;
        # a cursor signed before the limits were lowered gets no fuzziness they now forbid.
        flag, *after = decode_cursor(secret, key, cursor)
        fuzzy = bool(flag) and _may_retry(query, limits)
        query = replace(query, search_after=tuple(after), fuzzy=fuzzy)
    page = index.search(query)
    if page.total == 0 and not cursor and _may_retry(query, limits):
        fuzzy = True
        page = index.search(replace(query, fuzzy=True))
    next_cursor = None
    if page.next_after is not None:
        next_cursor = encode_cursor(secret, key, (int(fuzzy), *page.next_after))
    return SearchAnswer(page, next_cursor, fuzzy, query)


def suggest(index: SearchIndex, text: str, limits: SearchLimits | None = None) -> list[str]:
    """Up to ten completions for a prefix of two or more characters."""
    limits = limits or SearchLimits()
    check_chars(text, limits)
    words = text.lower().split()
    prefix = " ".join(words)
    # Past the word limit the search itself would be refused: nothing worth completing.
    if len(prefix) < MIN_PREFIX or len(words) > limits.max_words:
        return []
    return index.suggest(prefix, SUGGESTIONS)

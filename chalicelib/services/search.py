"""Use cases: search ready images and suggest completions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from chalicelib.domain.search import SearchPage, SearchQuery
from chalicelib.domain.search.cursors import decode_cursor, encode_cursor, fingerprint
from chalicelib.domain.search.limits import SearchLimits, check_chars, fuzzy_allowed, most_words
from chalicelib.domain.search.query import parse_search
from chalicelib.ports import SearchIndex

SUGGESTIONS = 10
MIN_PREFIX = 2
# The cursor's first value: which retry made this result set (bits, so old cursors stay valid).
FUZZY_FLAG = 1
MOST_FLAG = 2


@dataclass(frozen=True)
class SearchAnswer:
    """A page of results, the cursor for the next one, and whether typos were forgiven."""

    page: SearchPage
    next_cursor: str | None
    fuzzy: bool
    query: SearchQuery | None = None  # as parsed (what counting unsatisfied searches reads)
    match: str = "all"  # "most": no photo had every word, these have most of them


def _may_retry(query: SearchQuery, limits: SearchLimits) -> bool:
    return bool(query.words) and fuzzy_allowed(query.words, query.desc_words, limits)


def search(
    index: SearchIndex,
    params: Mapping[str, str],
    secret: bytes,
    limits: SearchLimits | None = None,
) -> SearchAnswer:
    """Parse and run; when nothing matches, retry with typo tolerance, then with most words."""
    limits = limits or SearchLimits()
    parsed = parse_search(params, limits)
    key = fingerprint(parsed)
    cursor = params.get("cursor")
    if cursor:
        # The first value says which retry these pages belong to; a cursor signed before the
        # limits were lowered gets no fuzziness they now forbid.
        flag, *after = decode_cursor(secret, key, cursor)
        query = _retry(parsed, limits, int(flag) & FUZZY_FLAG, int(flag) & MOST_FLAG)
        query = replace(query, search_after=tuple(after))
        page = index.search(query)
    else:
        query, page = _first_page(index, parsed, limits)
    flag = FUZZY_FLAG * query.fuzzy + MOST_FLAG * (query.min_words is not None)
    next_cursor = None
    if page.next_after is not None:
        next_cursor = encode_cursor(secret, key, (flag, *page.next_after))
    match = "most" if query.min_words is not None else "all"
    return SearchAnswer(page, next_cursor, query.fuzzy, parsed, match)


def _retry(query: SearchQuery, limits: SearchLimits, fuzzy: int, most: int) -> SearchQuery:
    """The query with the retries a cursor or a fallback asks for, as far as limits allow."""
    return replace(
        query,
        fuzzy=bool(fuzzy) and _may_retry(query, limits),
        min_words=most_words(query.words, limits) if most else None,
    )


def _first_page(
    index: SearchIndex, query: SearchQuery, limits: SearchLimits
) -> tuple[SearchQuery, SearchPage]:
    """All words as typed; else all words forgiving typos; else most of the words."""
    page = index.search(query)
    if page.total or not query.words:
        return query, page
    if _may_retry(query, limits):
        query = _retry(query, limits, fuzzy=1, most=0)
        page = index.search(query)
        if page.total:
            return query, page
    most = _retry(query, limits, fuzzy=int(query.fuzzy), most=1)
    if most.min_words is None:
        return query, page
    found = index.search(most)
    return (most, found) if found.total else (query, page)


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

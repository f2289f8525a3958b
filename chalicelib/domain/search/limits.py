"""How much one public search may ask of an engine; every bound is a setting.

Search needs no sign-in, so the cost of a query is bounded before any engine sees it:
characters, words, `desc:` words and required tags are refused past their limit (400
`query_too_long` / `invalid_tags`, naming the limit), the typo-tolerant retry runs only for
short queries of short words, and totals are counted exactly only up to a cap.
"""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.numbers import whole_number
from chalicelib.domain.search.model import MAX_QUERY_CHARS, TOTAL_HITS_CAP
from chalicelib.domain.search.similar import (
    DEFAULT_SIMILAR_PER_PAGE,
    MAX_SIMILAR_PER_PAGE,
    SIMILAR_CANDIDATES,
    SIMILAR_MAX_DISTANCE,
)


@dataclass(frozen=True)
class SearchLimits:
    """Bounds on one search request (see README, "Search limits")."""

    max_query_chars: int = MAX_QUERY_CHARS  # `q` and the suggest prefix
    max_words: int = 32  # distinct words in `q`, `desc:` words included
    max_desc_words: int = 8  # distinct `desc:` words
    max_tags: int = 30  # required tags (an image holds at most 30, so more never match)
    # The typo-tolerant retry: only for this many words at most (desc: words included)...
    fuzzy_max_words: int = 4
    # ... each at most this long: fuzzy automata on long terms grow large (OpenSearch can
    # fail them with too_complex_to_determinize_exception), and long words rarely have typos.
    fuzzy_max_word_chars: int = 24
    # Totals are exact up to this many results, then reported as "at least" this many.
    total_hits_cap: int = TOTAL_HITS_CAP
    # Similar photos (domain/search/similar.py): the page size asked for by default and at
    # most, how many candidates each of its two lookups reads, and the look-alike distance.
    similar_per_page: int = DEFAULT_SIMILAR_PER_PAGE
    similar_max_per_page: int = MAX_SIMILAR_PER_PAGE
    similar_candidates: int = SIMILAR_CANDIDATES
    similar_max_distance: int = SIMILAR_MAX_DISTANCE
    # When no photo has every word, a retry asks for this share (percent, rounded up) of the
    # distinct words: "most of them". 100 turns the fallback off.
    most_words_percent: int = 50

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if value < 1:
                raise ValueError(f"search limit {name} must be at least 1, not {value}")
        if self.most_words_percent > 100:
            raise ValueError("most_words_percent is a share: at most 100")
        if self.similar_per_page > self.similar_max_per_page:
            raise ValueError("similar_per_page must not exceed similar_max_per_page")


def too_long(message: str) -> InvalidInput:
    """The one error a query over a size limit becomes."""
    return InvalidInput("query_too_long", message)


def check_chars(text: str, limits: SearchLimits) -> None:
    """Refuse text longer than the query limit."""
    if len(text) > limits.max_query_chars:
        raise too_long(
            f"A search can be at most {limits.max_query_chars} characters long;"
            f" this one has {len(text)}."
        )


def check_words(words: tuple[str, ...], desc_words: tuple[str, ...], limits: SearchLimits) -> None:
    """Refuse more distinct words, or `desc:` words, than the limits allow."""
    if len(desc_words) > limits.max_desc_words:
        raise too_long(
            f"A search can have at most {limits.max_desc_words} different desc: words;"
            f" this one has {len(desc_words)}."
        )
    count = len(words) + len(desc_words)
    if count > limits.max_words:
        raise too_long(
            f"A search can have at most {limits.max_words} different words;"
            f" this one has {count}. Remove some words and try again."
        )


def fuzzy_allowed(
    words: tuple[str, ...], desc_words: tuple[str, ...], limits: SearchLimits
) -> bool:
    """Whether a typo-tolerant retry is cheap enough: a few words, none of them long."""
    every = (*words, *desc_words)
    if not every or len(every) > limits.fuzzy_max_words:
        return False
    return all(len(word) <= limits.fuzzy_max_word_chars for word in every)


def most_words(words: tuple[str, ...], limits: SearchLimits) -> int | None:
    """How many of `words` the "most words" retry needs, or None when it cannot help."""
    distinct = len(set(words))
    needed = max(1, -(-distinct * limits.most_words_percent // 100))
    return needed if needed < distinct else None


def similar_per_page(raw: str | None, limits: SearchLimits) -> int:
    """The `per_page` of a similar-photos request: absent means the default; 400 otherwise."""
    if raw is None or raw == "":
        return limits.similar_per_page
    return whole_number(raw, "per_page", 1, limits.similar_max_per_page)

"""SearchQuery -> tantivy queries, built from terms only (user text never meets a parser)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from chalicelib.adapters.search.embedded.schema import (
    BOOSTS,
    CAMERA_WORDS,
    PREFIXED,
    WORDS,
    analyzer,
    engine,
    schema,
)
from chalicelib.domain.search import SearchQuery

FUZZY_FACTOR = 0.5  # a forgiven typo counts less than the exact word
PREFIX_FACTOR = 0.5  # so does a completion of the last word
# The last word completes to its most frequent words per field, like OpenSearch's
# `max_expansions` (50 by default): a short prefix stays cheap and completions stay scored.
MAX_EXPANSIONS = 50
PREFIX_FIELDS = [name + WORDS for name in PREFIXED]
FACETED = ("orientation", "color")  # filters whose facet counts leave the filter out


def fuzzy_distance(term: str) -> int:
    """OpenSearch `fuzziness: AUTO`: 0 edits below 3 letters, 1 up to 5, then 2."""
    return 0 if len(term) < 3 else 1 if len(term) <= 5 else 2


def tokens(words: Iterable[str]) -> list[tuple[str, str]]:
    """(stemmed, unstemmed) tokens of the words, through the fields' own analyzers."""
    text = " ".join(words)
    return list(zip(analyzer(True).analyze(text), analyzer(False).analyze(text), strict=True))


def build(query: SearchQuery, searcher: Any, skip: str | None = None) -> Any:
    """The whole match (words and every filter but `skip`) as one tantivy query."""
    clauses = text_clauses(query, searcher) + filter_clauses(query, skip)
    return conjunction(clauses)


def conjunction(clauses: list[Any]) -> Any:
    """All clauses; with none, every live document (tombstones never match)."""
    tv = engine()
    if not clauses:
        return tv.Query.term_query(schema(), "live", 1)
    if len(clauses) == 1:
        return clauses[0]
    return tv.Query.boolean_query([(tv.Occur.Must, clause) for clause in clauses])


def text_clauses(query: SearchQuery, searcher: Any) -> list[Any]:
    """One clause per word token (all must match); words with no letters match nothing."""
    clauses = []
    if query.words:
        found = tokens(query.words)
        if not found:
            return [engine().Query.empty_query()]
        *rest, last = found
        clauses = [_word(s, r, BOOSTS, query.fuzzy) for s, r in dict.fromkeys(rest)]
        expanded = completions(searcher, last[1], PREFIX_FIELDS) if query.prefix_last else []
        clauses.append(_word(*last, BOOSTS, query.fuzzy, expanded))
        if query.min_words is not None:
            clauses = [at_least(clauses, query.min_words)]
    if query.desc_words:
        found = tokens(query.desc_words)
        if not found:
            return [engine().Query.empty_query()]
        clauses += [_word(s, r, {"description": 1.0}, query.fuzzy) for s, r in found]
    return clauses


def at_least(clauses: list[Any], needed: int) -> Any:
    """Documents matching `needed` of `clauses` or more; scores add up, so more rank higher."""
    tv = engine()
    should = [(tv.Occur.Should, clause) for clause in clauses]
    return tv.Query.boolean_query(should, min(max(needed, 1), len(clauses)))


def completions(searcher: Any, raw: str, fields: list[str]) -> list[tuple[str, str]]:
    """(field, word) for the most frequent words starting with `raw` in each field."""
    return [
        (field, term)
        for field in fields
        for term, _ in searcher.terms_with_prefix(field, raw, limit=MAX_EXPANSIONS)
    ]


def any_completion(searcher: Any, raw: str, field: str) -> Any:
    """Documents with a word in `field` starting with `raw` (its most frequent completions)."""
    tv = engine()
    words = completions(searcher, raw, [field])
    found = [tv.Query.term_query(schema(), f, term) for f, term in words]
    if not found:
        return tv.Query.empty_query()
    return tv.Query.boolean_query([(tv.Occur.Should, clause) for clause in found])


def _word(
    stem: str,
    raw: str,
    boosts: dict[str, float],
    fuzzy: bool,
    expanded: list[tuple[str, str]] | None = None,
) -> Any:
    q = engine().Query
    alternatives = [q.boost_query(q.term_query(schema(), f, stem), b) for f, b in boosts.items()]
    distance = fuzzy_distance(stem) if fuzzy else 0
    if distance:
        alternatives += [
            q.boost_query(q.fuzzy_term_query(schema(), f, stem, distance, True), b * FUZZY_FACTOR)
            for f, b in boosts.items()
        ]
    for field, term in expanded or ():
        boost = BOOSTS[field.removesuffix(WORDS)] * PREFIX_FACTOR
        alternatives.append(q.boost_query(q.term_query(schema(), field, term), boost))
    return q.boolean_query([(engine().Occur.Should, a) for a in alternatives])


def filter_clauses(query: SearchQuery, skip: str | None = None) -> list[Any]:
    """Exact filters; `skip` names one of FACETED to leave out (for its own facet)."""
    q, tv = engine().Query, engine()
    terms: list[tuple[str, Any]] = [("tags", tag) for tag in query.tags]
    terms += [(CAMERA_WORDS, word) for word in query.camera_words]
    terms += [(name, getattr(query, name)) for name in (*FACETED, "owner") if name != skip]
    if query.date:
        terms += [(part, getattr(query.date, part)) for part in ("year", "month", "day")]
    clauses = [q.term_query(schema(), name, value) for name, value in terms if value is not None]
    for name, low in (("width", query.min_width), ("height", query.min_height)):
        if low is not None:
            clauses.append(q.range_query(schema(), name, tv.FieldType.Integer, low, None))
    if query.date_from or query.date_to:
        low, high = _ymd(query.date_from), _ymd(query.date_to)
        clauses.append(q.range_query(schema(), "ymd", tv.FieldType.Integer, low, high))
    return clauses


def _ymd(day: str | None) -> int | None:
    if not day:
        return None
    parsed = date.fromisoformat(day)
    return parsed.year * 10_000 + parsed.month * 100 + parsed.day

"""What a hostile search can make OpenSearch do: the leaf clauses in the request body.

Every request the API accepts goes through `parse_search` (the limits) and `search_body`;
counting the body's leaf clauses shows each bound reaches the engine. No clause ever carries
engine syntax (query_string, wildcard, regexp): user text is only ever a match-family value.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Any

import pytest

from chalicelib.adapters.search.opensearch.query import WORD_FIELDS, search_body, suggest_body
from chalicelib.domain.search import SearchQuery
from chalicelib.domain.search.limits import SearchLimits
from chalicelib.domain.search.query import parse_search
from tests.support.hostile_queries import ANSWERED, LIMITS, desc, tags, words

LEAVES = {"match", "multi_match", "term", "terms", "range", "prefix", "fuzzy", "wildcard",
          "regexp", "match_bool_prefix", "match_phrase", "match_phrase_prefix", "query_string",
          "simple_query_string", "ids", "exists"}  # fmt: skip
FREE = "match_all"  # a leaf that narrows nothing: not counted
SYNTAX = {"query_string", "simple_query_string", "wildcard", "regexp"}


def leaves(clause: Any) -> Counter[str]:
    """Leaf queries by kind; a multi_match counts once per field it searches."""
    found: Counter[str] = Counter()
    if isinstance(clause, list):
        for item in clause:
            found += leaves(item)
    elif isinstance(clause, dict):
        for key, value in clause.items():
            if key == FREE:
                continue
            if key in LEAVES:
                found[key] += len(value.get("fields", [1])) if key == "multi_match" else 1
            else:
                found += leaves(value)
    return found


def query_leaves(body: dict[str, Any]) -> Counter[str]:
    """Leaves of everything that selects documents: query, post_filter, facet filters."""
    found = leaves(body["query"]) + leaves(body.get("post_filter", {}))
    for agg in body["aggs"].values():
        found += leaves(agg["filter"])
    return found


def _body(params: dict[str, str], limits: SearchLimits = LIMITS, fuzzy: bool = False) -> Any:
    return search_body(replace(parse_search(params, limits), fuzzy=fuzzy))


FIELDS = len(WORD_FIELDS)
# owner, 3 date parts, the day range, 2 sizes; orientation and colour in post_filter (2) and
# in the other facets' (tags, camera, each other) filters (6)
FIXED_FILTERS = 15
# Words (desc: words counted as if they searched every field), the prefix, tags, filters.
BOUND = FIELDS * LIMITS.max_words + FIELDS + LIMITS.max_tags + FIXED_FILTERS


def test_given_words_at_the_limit_then_one_clause_per_word_and_field_plus_the_prefix() -> None:
    found = query_leaves(_body({"q": words(LIMITS.max_words)}))
    # 32 words x 3 fields, and the last word also as a prefix over 3 fields
    assert found == Counter({"multi_match": FIELDS * LIMITS.max_words + FIELDS})


def test_given_desc_words_at_the_limit_then_one_description_match_each() -> None:
    plain = LIMITS.max_words - LIMITS.max_desc_words
    found = query_leaves(_body({"q": words(plain) + desc(LIMITS.max_desc_words) + " "}))
    assert found == Counter({"multi_match": FIELDS * plain, "match": LIMITS.max_desc_words})


def test_given_tags_at_the_limit_then_one_term_each() -> None:
    found = query_leaves(_body({"tags": tags(LIMITS.max_tags)}))
    assert found == Counter({"term": LIMITS.max_tags})


def test_given_everything_at_the_limit_then_the_clause_count_is_bounded_by_the_limits() -> None:
    body = _body(ANSWERED["everything at the limit"])
    total = sum(query_leaves(body).values())
    # 24 words x 3 fields (no prefix: an operator follows), 8 desc words, 30 tags, 15 filters
    assert total == FIELDS * 24 + 8 + LIMITS.max_tags + FIXED_FILTERS <= BOUND


def test_given_lower_configured_limits_then_at_most_that_many_clauses_reach_the_engine() -> None:
    tight = SearchLimits(max_words=5, max_desc_words=2, max_tags=3)
    found = query_leaves(_body({"q": words(3) + desc(2) + " ", "tags": tags(3)}, tight))
    assert found == Counter({"multi_match": FIELDS * 3, "match": 2, "term": 3})


@pytest.mark.parametrize("params", ANSWERED.values(), ids=ANSWERED.keys())
def test_given_a_hostile_but_accepted_query_then_bounded_and_free_of_engine_syntax(
    params: dict[str, str],
) -> None:
    for fuzzy in (False, True):
        found = query_leaves(_body(params, fuzzy=fuzzy))
        assert not SYNTAX & set(found), found
        assert sum(found.values()) <= BOUND


def test_totals_are_never_counted_past_the_cap() -> None:
    for params in ANSWERED.values():
        assert _body(params)["track_total_hits"] == LIMITS.total_hits_cap
    assert _body({"q": "fox"}, SearchLimits(total_hits_cap=250))["track_total_hits"] == 250


def test_a_suggest_request_has_two_leaf_clauses_whatever_the_prefix() -> None:
    for prefix in ("fo", "a" * 256, words(60), "写真" * 128, r".*[a-z]+\d"):
        body = suggest_body(prefix, 10)
        filters = [agg["filter"] for agg in body["aggs"].values()]
        assert leaves(filters) == Counter({"prefix": 1, "match_bool_prefix": 1})
        # the tag completion's `include` pattern is the prefix as a literal, then anything
        include = body["aggs"]["tags"]["aggs"]["values"]["terms"]["include"]
        assert include.endswith(".*") and "(" not in include.replace("\\(", "")


def test_fuzziness_in_the_body_only_when_the_query_asks_for_it() -> None:
    exact = search_body(SearchQuery(words=("sunst",)))
    fuzzy = search_body(SearchQuery(words=("sunst",), fuzzy=True))
    assert "fuzziness" not in str(exact) and "fuzziness" in str(fuzzy)

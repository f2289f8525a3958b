"""What a hostile search can make the embedded engine do: the leaves of its tantivy query.

tantivy's queries print their whole tree (their Debug form), so the leaf queries the builder
made can be counted from outside, the same way the OpenSearch tests count the request body.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from chalicelib.adapters.search.embedded import EmbeddedSearchIndex
from chalicelib.adapters.search.embedded.query import MAX_EXPANSIONS, PREFIX_FIELDS, build
from chalicelib.adapters.search.embedded.schema import BOOSTS
from chalicelib.domain.search import Change, SearchQuery
from chalicelib.domain.search.limits import SearchLimits
from chalicelib.domain.search.query import parse_search
from tests.contract.test_search_index import doc
from tests.support.hostile_queries import ANSWERED, LIMITS, tags, words

_LEAF = re.compile(r"\b(TermQuery|FuzzyTermQuery|RangeQuery|RegexQuery|PhraseQuery|"
                   r"PhrasePrefixQuery|TermSetQuery|ExistsQuery|AllQuery)\b")  # fmt: skip
SYNTAX = {"RegexQuery", "PhraseQuery", "PhrasePrefixQuery"}
FIELDS = len(BOOSTS)
FIXED_FILTERS = 10  # orientation, colour, owner, 3 date parts, day range, 2 sizes, headroom
# Every word (desc: too) in every field, exact and fuzzy; the last word's completions; tags.
BOUND = 2 * FIELDS * LIMITS.max_words + MAX_EXPANSIONS * len(PREFIX_FIELDS) + LIMITS.max_tags
BOUND += FIXED_FILTERS


def leaves(query: Any) -> Counter[str]:
    """Leaf queries by kind in a tantivy query tree."""
    return Counter(_LEAF.findall(repr(query)))


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedSearchIndex:
    """120 documents whose words all start with "w": a one-letter prefix completes to many."""
    engine = EmbeddedSearchIndex(Path(tmp_path_factory.mktemp("bounds")) / "search")
    docs = [doc(n, f"w{n} w{n + 1} frame", tags=(f"w{n}",)) for n in range(120)]
    engine.apply([Change(d.image_id, 1, d) for d in docs])
    return engine


def _leaves(index: EmbeddedSearchIndex, query: SearchQuery) -> Counter[str]:
    # The builder reads the live term dictionary (for the completions of the last word).
    searcher = index._reader.searcher()
    return leaves(build(query, searcher))


def _parsed(params: dict[str, str], limits: SearchLimits = LIMITS) -> SearchQuery:
    return parse_search(params, limits)


def test_given_words_at_the_limit_then_one_term_per_word_and_field_plus_capped_completions(
    index: EmbeddedSearchIndex,
) -> None:
    # 31 words, then "w" being typed: it completes to 120 words in titles and in tags
    query = _parsed({"q": words(LIMITS.max_words - 1, "x") + " w"})
    found = _leaves(index, query)
    completions = MAX_EXPANSIONS * len(PREFIX_FIELDS)
    assert found == Counter({"TermQuery": FIELDS * LIMITS.max_words + completions})


def test_given_fuzzy_then_each_word_adds_one_fuzzy_term_per_field(
    index: EmbeddedSearchIndex,
) -> None:
    query = replace(_parsed({"q": "sunset beach "}), fuzzy=True)
    assert _leaves(index, query) == Counter({"TermQuery": 2 * FIELDS, "FuzzyTermQuery": 2 * FIELDS})


def test_given_tags_at_the_limit_then_one_term_each(index: EmbeddedSearchIndex) -> None:
    found = _leaves(index, _parsed({"tags": tags(LIMITS.max_tags)}))
    assert found == Counter({"TermQuery": LIMITS.max_tags})


def test_given_lower_configured_limits_then_at_most_that_many_clauses_reach_the_engine(
    index: EmbeddedSearchIndex,
) -> None:
    tight = SearchLimits(max_words=4, max_desc_words=1, max_tags=2)
    query = _parsed({"q": 'x1 x2 x3 desc:"d1" ', "tags": "a,b"}, tight)
    # 3 words in 3 fields, 1 desc word in the description, 2 tags
    assert _leaves(index, query) == Counter({"TermQuery": 3 * FIELDS + 1 + 2})


@pytest.mark.parametrize("params", ANSWERED.values(), ids=ANSWERED.keys())
def test_given_a_hostile_but_accepted_query_then_bounded_answered_and_free_of_syntax(
    index: EmbeddedSearchIndex, params: dict[str, str]
) -> None:
    for fuzzy in (False, True):
        query = replace(_parsed(params), fuzzy=fuzzy)
        found = _leaves(index, query)
        assert not SYNTAX & set(found), found
        assert sum(found.values()) <= BOUND
        page = index.search(query)
        assert page.total >= 0 and len(page.hits) <= query.per_page


@pytest.mark.parametrize(
    "prefix", ["w", "*" * 256, "?" * 256, r"/.*/ [a-z]+ \d", "a" * 256, "写真" * 128, words(128)]
)
def test_given_a_hostile_suggest_prefix_then_at_most_the_limit_comes_back(
    index: EmbeddedSearchIndex, prefix: str
) -> None:
    found = index.suggest(prefix, 10)
    assert len(found) <= 10
    assert prefix != "w" or len(found) == 10  # the check above had something to cut

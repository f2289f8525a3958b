"""Golden tests of the OpenSearch request bodies, and reading responses back.

The golden files are the exact JSON sent to OpenSearch; see golden.py to regenerate them.
The checks next to each golden comparison say what must hold whatever the JSON looks like.
"""

from __future__ import annotations

import json

import pytest

from chalicelib.adapters.search.opensearch.mapping import to_source
from chalicelib.adapters.search.opensearch.query import (
    read_page,
    read_suggestions,
    regex_literal,
    search_body,
    suggest_body,
)
from chalicelib.domain.search import DateParts, FacetCount, SearchQuery, Sort
from tests.unit.adapters.search.docs import doc
from tests.unit.adapters.search.golden import assert_golden

EVERY_FILTER = SearchQuery(
    words=("red", "foxes"),
    desc_words=("snowy", "field"),
    tags=("fox", "winter"),
    orientation="landscape",
    color="orange",
    min_width=1920,
    min_height=1080,
    owner="user-sub-1",
    date=DateParts(year=2024, month=12, day=None),
    date_from="2024-01-01",
    date_to="2024-12-31",
    sort=Sort.RELEVANCE,
    per_page=24,
)

CASES = {
    "words_only": SearchQuery(words=("red", "foxes"), prefix_last=False, sort=Sort.RELEVANCE),
    "words_prefix_last": SearchQuery(words=("running", "fo"), sort=Sort.RELEVANCE),
    "words_every_filter": EVERY_FILTER,
    "fuzzy": SearchQuery(words=("sunst", "bech"), fuzzy=True, sort=Sort.RELEVANCE),
    "most_words": SearchQuery(words=("red", "barn", "snow"), min_words=2, sort=Sort.RELEVANCE),
    "fuzzy_desc_words": SearchQuery(desc_words=("mountian",), fuzzy=True, prefix_last=False),
    "no_words_newest": SearchQuery(),
    "orientation_only": SearchQuery(orientation="portrait"),
    "camera_words": SearchQuery(camera_words=("eos", "5d")),
    "date_year_only": SearchQuery(date=DateParts(year=2016)),
    "date_from_only": SearchQuery(date_from="2020-02-01", sort=Sort.NEWEST),
    "sort_popular": SearchQuery(words=("beach",), sort=Sort.POPULAR, per_page=10),
    "sort_newest_after": SearchQuery(
        words=("beach",), sort=Sort.NEWEST, search_after=(1735084799123456, "img-0042")
    ),
    "sort_relevance_after": SearchQuery(
        words=("beach",), sort=Sort.RELEVANCE, search_after=(3.25, "img-0042")
    ),
    "sort_popular_after": SearchQuery(
        sort=Sort.POPULAR, per_page=100, search_after=(12, 1735084799123456, "img-0042")
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_search_body_matches_golden(case: str) -> None:
    # GIVEN a representative query WHEN the request is built THEN it is exactly the golden one
    assert_golden(f"search_{case}", search_body(CASES[case]))


@pytest.mark.parametrize("case", sorted(CASES))
def test_no_query_syntax_ever_reaches_opensearch(case: str) -> None:
    text = json.dumps(search_body(CASES[case]))
    assert "query_string" not in text
    assert "simple_query_string" not in text
    assert '"from"' not in text  # paging is search_after only


def test_hostile_text_stays_a_plain_match_value() -> None:
    # GIVEN engine syntax smuggled in as a word WHEN built THEN it is only a match value
    hostile = "title:* OR _exists_:owner /.*/"
    body = search_body(SearchQuery(words=(hostile,), prefix_last=False))
    assert body["query"]["bool"]["must"] == [
        {
            "multi_match": {
                "query": hostile,
                "type": "best_fields",
                "fields": ["title^3", "tags^2", "description"],
                "operator": "and",
            }
        }
    ]


def test_one_extra_hit_is_asked_for_and_totals_are_exact_only_up_to_the_cap() -> None:
    body = search_body(SearchQuery(per_page=7))
    assert body["size"] == 8
    # Never `true` (count every match): exact up to the query's cap, a lower bound beyond.
    assert body["track_total_hits"] == 10_000
    assert search_body(SearchQuery(count_up_to=500))["track_total_hits"] == 500


def test_most_words_wraps_every_word_clause_in_one_should_with_a_minimum() -> None:
    body = search_body(SearchQuery(words=("red", "barn", "snow"), min_words=2, desc_words=("x",)))
    must = body["query"]["bool"]["must"]
    most, desc = must
    assert most["bool"]["minimum_should_match"] == 2 and len(most["bool"]["should"]) == 3
    assert desc == {"match": {"description": {"query": "x", "operator": "and"}}}
    every = search_body(SearchQuery(words=("red", "barn", "snow")))["query"]["bool"]["must"]
    assert len(every) == 3 and "minimum_should_match" not in json.dumps(every[0])
    capped = search_body(SearchQuery(words=("red", "red"), min_words=5))["query"]["bool"]
    assert capped["must"][0]["bool"]["minimum_should_match"] == 1  # one distinct word


def test_fuzziness_only_when_asked() -> None:
    plain = json.dumps(search_body(SearchQuery(words=("sunset",))))
    fuzzy = search_body(SearchQuery(words=("sunset",), fuzzy=True, prefix_last=False))
    assert "fuzziness" not in plain
    clause = fuzzy["query"]["bool"]["must"][0]["multi_match"]
    assert clause["fuzziness"] == "AUTO"
    assert clause["fuzzy_transpositions"] is True


def test_last_word_is_also_a_prefix_on_unstemmed_fields() -> None:
    body = search_body(SearchQuery(words=("red", "fo")))
    first, last = body["query"]["bool"]["must"]
    assert first["multi_match"]["query"] == "red"
    typed, prefix = last["bool"]["should"]
    assert typed["multi_match"]["query"] == "fo"
    assert prefix["multi_match"]["type"] == "bool_prefix"
    assert all(".plain" in field for field in prefix["multi_match"]["fields"])


def test_each_facet_ignores_only_its_own_filter() -> None:
    # GIVEN orientation and colour chosen WHEN built
    body = search_body(SearchQuery(orientation="square", color="red"))
    aggs = body["aggs"]
    # THEN orientation counts under the colour only, colour under the orientation only,
    assert aggs["orientation"]["filter"] == {"bool": {"filter": [{"term": {"color": "red"}}]}}
    assert aggs["color"]["filter"] == {"bool": {"filter": [{"term": {"orientation": "square"}}]}}
    # tags count within the results (both), and the hits get both through post_filter
    both = {"bool": {"filter": [{"term": {"orientation": "square"}}, {"term": {"color": "red"}}]}}
    assert aggs["tags"]["filter"] == both
    assert body["post_filter"] == both
    assert "orientation" not in json.dumps(body["query"])
    assert aggs["tags"]["aggs"]["values"]["terms"]["size"] == 20


def test_date_to_is_an_inclusive_day_range() -> None:
    body = search_body(SearchQuery(date_from="2020-02-01", date_to="2020-12-31"))
    assert body["query"]["bool"]["filter"] == [
        {"range": {"created_day": {"gte": "2020-02-01", "lte": "2020-12-31"}}}
    ]


@pytest.mark.parametrize(
    ("case", "prefix", "limit"),
    [("plain", "sun", 10), ("regex_characters", "c++ (x.*", 5), ("two_words", "blue sk", 10)],
)
def test_suggest_body_matches_golden(case: str, prefix: str, limit: int) -> None:
    assert_golden(f"suggest_{case}", suggest_body(prefix, limit))


def test_regex_literal_escapes_every_operator() -> None:
    assert regex_literal("sun") == "sun"
    assert regex_literal("a.b*c(d)|e") == "a\\.b\\*c\\(d\\)\\|e"
    assert regex_literal("blue sky") == "blue\\ sky"
    assert regex_literal("ñandú") == "ñandú"


def _hit(image_id: str, sort: list[object]) -> dict[str, object]:
    return {"_id": image_id, "_source": {"doc": to_source(doc(image_id))["doc"]}, "sort": sort}


def _response(hits: list[dict[str, object]], total: int) -> dict[str, object]:
    def buckets(*pairs: tuple[str, int]) -> dict[str, object]:
        return {"values": {"buckets": [{"key": k, "doc_count": n} for k, n in pairs]}}

    return {
        "hits": {"total": {"value": total, "relation": "eq"}, "hits": hits},
        "aggregations": {
            "orientation": {"doc_count": total, **buckets(("landscape", 2), ("square", 1))},
            "color": {"doc_count": total, **buckets(("orange", 3))},
            "tags": {"doc_count": total, **buckets(("fox", 3), ("winter", 1))},
            "camera": {"doc_count": total, **buckets(("Canon EOS 5D", 2))},
        },
    }


def test_read_page_keeps_per_page_hits_and_points_after_the_last_one() -> None:
    # GIVEN per_page + 1 hits came back
    hits = [_hit("img-a", [9, "img-a"]), _hit("img-b", [8, "img-b"]), _hit("img-c", [7, "img-c"])]
    # WHEN read with per_page=2
    page = read_page(_response(hits, total=3), per_page=2)
    # THEN two hits, rebuilt exactly, and the cursor is the second one's sort values
    assert [h.image_id for h in page.hits] == ["img-a", "img-b"]
    assert page.hits[1] == doc("img-b")
    assert page.next_after == (8, "img-b")
    assert page.total == 3
    assert page.facets["tags"] == (FacetCount("fox", 3), FacetCount("winter", 1))
    assert page.facets["orientation"][0] == FacetCount("landscape", 2)
    assert page.facets["camera"] == (FacetCount("Canon EOS 5D", 2),)
    assert page.approximate is False


@pytest.mark.parametrize(
    ("total", "cap", "expected"),
    [
        ({"value": 42, "relation": "eq"}, 10_000, (42, True)),
        ({"value": 10_000, "relation": "eq"}, 10_000, (10_000, True)),
        # past track_total_hits OpenSearch stops counting and says "at least"
        ({"value": 10_000, "relation": "gte"}, 10_000, (10_000, False)),
        # a server that counted further than asked is still capped, the same as the embedded
        ({"value": 25_000, "relation": "eq"}, 10_000, (10_000, False)),
    ],
)
def test_read_page_reports_a_total_past_the_cap_as_a_lower_bound(
    total: dict[str, object], cap: int, expected: tuple[int, bool]
) -> None:
    response = _response([], total=0)
    response["hits"] = {"total": total, "hits": []}
    page = read_page(response, per_page=2, count_up_to=cap)
    assert (page.total, page.total_exact) == expected


def test_read_page_has_no_cursor_on_the_last_page() -> None:
    hits = [_hit("img-a", [9, "img-a"]), _hit("img-b", [8, "img-b"])]
    assert read_page(_response(hits, total=2), per_page=2).next_after is None


def test_read_suggestions_gives_tags_then_titles_without_repeats() -> None:
    def agg(*keys: str) -> dict[str, object]:
        return {"values": {"buckets": [{"key": k, "doc_count": 1} for k in keys]}}

    response = {"aggregations": {"tags": agg("sun", "sunset"), "titles": agg("sun", "Sun Bay")}}
    assert read_suggestions(response, 10) == ["sun", "sunset", "Sun Bay"]
    assert read_suggestions(response, 2) == ["sun", "sunset"]


def test_repeated_words_become_one_clause_so_long_queries_stay_under_the_clause_limit() -> None:
    # GIVEN a query that repeats itself a thousand times, in the words and the description
    query = SearchQuery(words=("beach " * 1000, "beach"), desc_words=("sand sand",), per_page=24)
    # WHEN it becomes an OpenSearch body
    text = json.dumps(search_body(query))
    # THEN each distinct word is sent once
    assert text.count("beach") == 1 + 1  # the word clause and the last word's prefix twin
    assert text.count("sand") == 1

"""The SearchIndex contract: every implementation (embedded, OpenSearch) passes these."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from chalicelib.domain.model import Rendition
from chalicelib.domain.search import Change, DateParts, SearchDoc, SearchPage, SearchQuery, Sort
from chalicelib.domain.search.similar import SimilarQuery
from chalicelib.ports import SearchIndex

WORDS_OFF = {"prefix_last": False}


def doc(n: int, title: str = "Untitled frame", **fields: Any) -> SearchDoc:
    """A ready image's document with plain defaults; ids are 32 hex digits like the service's."""
    base: dict[str, Any] = {
        "image_id": f"{n:032x}", "version": 1, "title": title, "description": "",
        "tags": (), "owner": "owner-a", "owner_name": "Ann", "width": 1200, "height": 800,
        "created_at": f"2024-03-{n % 28 + 1:02d}T10:00:00.000000Z", "orientation": "landscape",
        "color": "blue", "color_hex": "#2040a0", "blurhash": "LEHV6nWB2yk8", "popularity": 0,
        "renditions": {"w320": Rendition("w320", f"r/{n}/w320.webp", 320, 213, "webp", 900)},
    }
    base.update(fields)
    base["tags"] = tuple(base["tags"])
    return SearchDoc(**base)


def put(index: SearchIndex, *docs: SearchDoc) -> None:
    index.apply([Change(d.image_id, d.version, d) for d in docs])


def ids(page: SearchPage) -> list[str]:
    return [hit.image_id for hit in page.hits]


def find(index: SearchIndex, *words: str, **query: Any) -> list[str]:
    return ids(index.search(SearchQuery(words=words, per_page=100, **query)))


def facet(page: SearchPage, name: str) -> dict[str, int]:
    return {f.value: f.count for f in page.facets[name]}


def every_page(index: SearchIndex, query: SearchQuery) -> list[list[str]]:
    pages, after = [], None
    while True:
        page = index.search(replace(query, search_after=after))
        pages.append(ids(page))
        after = page.next_after
        if after is None:
            return pages
        assert len(pages) < 50, "paging never ends"


# --- words -----------------------------------------------------------------------------------


def test_given_inflected_words_when_searching_other_forms_then_stemming_matches(
    search_index: SearchIndex,
) -> None:
    put(search_index, doc(1, "Dog running on sand"), doc(2, "Two foxes at dawn"))
    put(search_index, doc(3, "Calm lake"))
    assert find(search_index, "run", **WORDS_OFF) == [doc(1).image_id]
    assert find(search_index, "runs", **WORDS_OFF) == [doc(1).image_id]
    assert find(search_index, "fox", **WORDS_OFF) == [doc(2).image_id]
    assert find(search_index, "Foxes", **WORDS_OFF) == [doc(2).image_id]


def test_given_several_words_when_searching_then_all_must_match(search_index: SearchIndex) -> None:
    put(search_index, doc(1, "Red barn"), doc(2, "Red car"), doc(3, "Blue barn"))
    assert find(search_index, "red", "barn") == [doc(1).image_id]
    assert find(search_index, "red", "boat") == []


def test_given_prefix_last_when_typing_then_only_the_last_word_completes(
    search_index: SearchIndex,
) -> None:
    put(search_index, doc(1, "Mountain lake"), doc(2, "Mounted police"), doc(3, "Desert"))
    assert set(find(search_index, "moun")) == {doc(1).image_id, doc(2).image_id}
    assert find(search_index, "lake", "moun") == [doc(1).image_id]
    assert find(search_index, "moun", "lake") == []
    assert find(search_index, "moun", **WORDS_OFF) == []


def test_given_typos_when_fuzzy_then_auto_distances_forgive_them(search_index: SearchIndex) -> None:
    put(search_index, doc(1, "Sandy beach"), doc(2, "Misty mountain"), doc(3, "Open sea"))
    assert find(search_index, "baech", **WORDS_OFF) == []
    assert find(search_index, "baech", fuzzy=True, **WORDS_OFF) == [doc(1).image_id]
    assert find(search_index, "mountian", fuzzy=True, **WORDS_OFF) == [doc(2).image_id]
    # 8 letters: two edits (a missing "u" and a swap)
    assert find(search_index, "montian", fuzzy=True, **WORDS_OFF) == [doc(2).image_id]
    # 5 letters allow one edit only; under 3 letters none
    assert find(search_index, "bxaxh", fuzzy=True, **WORDS_OFF) == []
    assert find(search_index, "se", fuzzy=True, **WORDS_OFF) == []


def test_given_a_word_in_different_fields_when_relevance_then_title_tags_description(
    search_index: SearchIndex,
) -> None:
    put(
        search_index,
        doc(1, "Quiet bay", tags=["dock"], description="boats in harbor"),
        doc(2, "Quiet harbor", tags=["dock"], description="boats resting here"),
        doc(3, "Quiet bay", tags=["harbor"], description="boats resting here"),
        doc(4, "Quiet bay", tags=["dock"], description="boats resting here"),
    )
    found = find(search_index, "harbor", sort=Sort.RELEVANCE, **WORDS_OFF)
    assert found == [doc(2).image_id, doc(3).image_id, doc(1).image_id]


def test_given_desc_words_when_searching_then_only_the_description_counts(
    search_index: SearchIndex,
) -> None:
    put(search_index, doc(1, "Harbor", description="calm water"))
    put(search_index, doc(2, "Calm", description="harbor"))
    page = search_index.search(SearchQuery(desc_words=("calm",)))
    assert ids(page) == [doc(1).image_id]
    assert ids(search_index.search(SearchQuery(words=("harbor",), desc_words=("water",)))) == [
        doc(1).image_id
    ]


@pytest.mark.parametrize(
    "words",
    [("title:*",), ("beach", "OR", "mountain"), ("_exists_:owner",), ("/.*/",), ("*a",),
     ('"unbalanced',), ("x" * 5000,), ("beach " * 1000,)],
    ids=["field", "or", "exists", "regex", "wildcard", "quote", "5000-chars", "1000-words"],
)
def test_given_engine_syntax_when_searching_then_it_is_only_words(
    search_index: SearchIndex, words: tuple[str, ...]
) -> None:
    put(search_index, doc(1, "Sandy beach"), doc(2, "Misty mountain"), doc(3, "Owner portrait"))
    found = find(search_index, *words, **WORDS_OFF)
    assert doc(2).image_id not in found  # no word of any input is in doc 2
    if words[0] in ("title:*", "/.*/", "*a", '"unbalanced', "x" * 5000):
        assert found == []
    if words == ("beach", "OR", "mountain"):
        assert doc(1).image_id not in found  # OR is a word that doc 1 lacks, not an operator
    if words[0].startswith("beach "):
        assert found == [doc(1).image_id]


def test_given_a_hit_then_the_document_comes_back_exactly(search_index: SearchIndex) -> None:
    original = doc(7, "Old town", description="Cobbles", tags=["street", "night"], popularity=3,
                   renditions={"w320": Rendition("w320", "a/b.webp", 320, 200, "webp", 1234)})
    put(search_index, original)
    assert search_index.search(SearchQuery(words=("town",))).hits == (original,)


# --- filters and facets ----------------------------------------------------------------------


FILTERED = [
    doc(1, "Alpha", tags=["sun", "sea"], orientation="landscape", color="blue", width=4000,
        height=3000, owner="owner-a", created_at="2020-12-24T23:59:59.999999Z"),
    doc(2, "Beta", tags=["sun"], orientation="portrait", color="red", width=3000, height=4000,
        owner="owner-b", created_at="2020-12-25T00:00:00.000000Z"),
    doc(3, "Gamma", tags=["sea"], orientation="portrait", color="blue", width=800, height=1200,
        owner="owner-a", created_at="2021-01-01T08:00:00.000000Z"),
    doc(4, "Delta", tags=["sun", "sand"], orientation="square", color="yellow", width=1000,
        height=1000, owner="owner-b", created_at="2016-03-12T12:00:00.000000Z"),
]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (SearchQuery(tags=("sun",)), {1, 2, 4}),
        (SearchQuery(tags=("sun", "sea")), {1}),
        (SearchQuery(orientation="portrait"), {2, 3}),
        (SearchQuery(color="blue"), {1, 3}),
        (SearchQuery(min_width=3000), {1, 2}),
        (SearchQuery(min_height=3000), {1, 2}),
        (SearchQuery(min_width=1000, min_height=1000), {1, 2, 4}),
        (SearchQuery(owner="owner-b"), {2, 4}),
        (SearchQuery(date=DateParts(year=2020)), {1, 2}),
        (SearchQuery(date=DateParts(year=2020, month=12, day=24)), {1}),
        (SearchQuery(date=DateParts(month=12, year=2020)), {1, 2}),
        (SearchQuery(date=DateParts(day=12)), {4}),
        (SearchQuery(date=DateParts(month=3)), {4}),
        (SearchQuery(date_from="2020-12-25"), {2, 3}),
        (SearchQuery(date_to="2020-12-24"), {1, 4}),
        (SearchQuery(date_from="2020-12-24", date_to="2021-01-01"), {1, 2, 3}),
        (SearchQuery(tags=("sun",), orientation="portrait", owner="owner-b"), {2}),
        (SearchQuery(tags=("sun",), color="green"), set()),
    ],
)
def test_given_filters_when_searching_then_only_matching_docs(
    search_index: SearchIndex, query: SearchQuery, expected: set[int]
) -> None:
    put(search_index, *FILTERED)
    assert set(ids(search_index.search(query))) == {doc(n).image_id for n in expected}


def test_given_a_filter_then_its_own_facet_ignores_it_and_the_others_respect_it(
    search_index: SearchIndex,
) -> None:
    put(search_index, *FILTERED)
    page = search_index.search(SearchQuery(orientation="portrait"))
    assert page.total == 2
    assert facet(page, "orientation") == {"landscape": 1, "portrait": 2, "square": 1}
    assert facet(page, "color") == {"red": 1, "blue": 1}
    assert facet(page, "tags") == {"sun": 1, "sea": 1}
    both = search_index.search(SearchQuery(orientation="portrait", color="blue"))
    assert facet(both, "orientation") == {"landscape": 1, "portrait": 1}
    assert facet(both, "color") == {"red": 1, "blue": 1}
    assert facet(both, "tags") == {"sea": 1}


def test_given_words_then_tag_facets_count_within_the_results(search_index: SearchIndex) -> None:
    put(search_index, *FILTERED, doc(5, "Alpha again", tags=["sun", "snow"]))
    page = search_index.search(SearchQuery(words=("alpha",), **WORDS_OFF))
    assert facet(page, "tags") == {"sun": 2, "sea": 1, "snow": 1}
    assert page.facets["tags"][0].value == "sun"
    assert facet(page, "orientation") == {"landscape": 2}
    assert page.approximate is False


# --- sorts and paging ------------------------------------------------------------------------


def test_given_dates_when_newest_then_latest_first_and_ties_by_id(
    search_index: SearchIndex,
) -> None:
    same = "2024-05-01T00:00:00.000000Z"
    put(search_index, doc(3, created_at=same), doc(2, created_at="2024-06-01T00:00:00.000000Z"))
    put(search_index, doc(1, created_at=same), doc(4, created_at="2023-01-01T00:00:00.000000Z"))
    assert ids(search_index.search(SearchQuery(sort=Sort.NEWEST))) == [
        doc(n).image_id for n in (2, 1, 3, 4)
    ]


def test_given_popularity_when_popular_then_most_popular_then_newest_then_id(
    search_index: SearchIndex,
) -> None:
    put(search_index, doc(1, popularity=5, created_at="2024-01-01T00:00:00.000000Z"),
        doc(2, popularity=9), doc(3, popularity=5, created_at="2024-02-01T00:00:00.000000Z"),
        doc(4, popularity=5, created_at="2024-01-01T00:00:00.000000Z"), doc(5, popularity=0))
    assert ids(search_index.search(SearchQuery(sort=Sort.POPULAR))) == [
        doc(n).image_id for n in (2, 3, 1, 4, 5)
    ]


def test_given_equal_scores_when_relevance_then_ties_break_on_id(search_index: SearchIndex) -> None:
    put(search_index, *(doc(n, "Green field") for n in (5, 3)))
    put(search_index, *(doc(n, "Green field") for n in (9, 1)), doc(2, "Green"))
    found = find(search_index, "green", sort=Sort.RELEVANCE, **WORDS_OFF)
    assert found == [doc(n).image_id for n in (2, 1, 3, 5, 9)]


@pytest.mark.parametrize("sort", list(Sort))
@pytest.mark.parametrize("ties", [False, True], ids=["distinct", "equal-values"])
def test_given_many_docs_when_paging_then_no_duplicates_no_gaps_same_order(
    search_index: SearchIndex, sort: Sort, ties: bool
) -> None:
    docs = [
        doc(n, "Green field" if ties or n % 3 else "Green green field",
            popularity=0 if ties else n % 4,
            created_at=f"2024-01-{1 if ties else n % 9 + 1:02d}T00:00:00.000000Z")
        for n in range(1, 24)
    ]
    # Applied out of id order and in several batches, so index order differs from id order
    for batch in (docs[11:], docs[:5], docs[5:11]):
        put(search_index, *reversed(batch))
    query = SearchQuery(words=("green",), sort=sort, **WORDS_OFF)
    whole = ids(search_index.search(replace(query, per_page=100)))
    pages = every_page(search_index, replace(query, per_page=5))
    assert [len(p) for p in pages] == [5, 5, 5, 5, 3]
    assert [i for page in pages for i in page] == whole
    assert sorted(whole) == sorted(d.image_id for d in docs)
    if ties:
        assert whole == sorted(whole)
    assert search_index.search(replace(query, per_page=5)).total == 23


def test_given_fuzzy_matches_when_paging_by_relevance_then_id_order_without_gaps(
    search_index: SearchIndex,
) -> None:
    docs = [doc(n, "Green field") for n in range(13, 0, -1)]
    put(search_index, *docs[:6])
    put(search_index, *docs[6:])
    query = SearchQuery(words=("grene",), fuzzy=True, sort=Sort.RELEVANCE, per_page=4, **WORDS_OFF)
    pages = every_page(search_index, query)
    assert [i for page in pages for i in page] == sorted(d.image_id for d in docs)


@pytest.mark.parametrize("sort", list(Sort))
def test_given_more_matches_than_the_count_cap_then_the_total_is_only_a_lower_bound(
    search_index: SearchIndex, sort: Sort
) -> None:
    put(search_index, *(doc(n, "Red barn") for n in range(1, 8)), doc(8, "Blue lake"))
    capped = SearchQuery(words=("red",), sort=sort, per_page=2, count_up_to=4, **WORDS_OFF)
    first = search_index.search(capped)
    # 7 match: the total stops at the cap and says it is "at least", paging is unaffected
    assert (first.total, first.total_exact) == (4, False)
    assert [len(page) for page in every_page(search_index, capped)] == [2, 2, 2, 1]
    later = search_index.search(replace(capped, search_after=first.next_after))
    assert (later.total, later.total_exact) == (4, False)
    at_cap = search_index.search(replace(capped, count_up_to=7))
    assert (at_cap.total, at_cap.total_exact) == (7, True)
    everything = search_index.search(SearchQuery(sort=sort, count_up_to=5))
    assert (everything.total, everything.total_exact) == (5, False)
    assert search_index.search(SearchQuery(words=("lake",), count_up_to=5)).total_exact


# --- changes ---------------------------------------------------------------------------------


def test_given_a_delete_then_the_doc_is_gone(search_index: SearchIndex) -> None:
    put(search_index, doc(1, "Lighthouse"), doc(2, "Lighthouse keeper"))
    search_index.apply([Change(doc(1).image_id, 2, None)])
    assert find(search_index, "lighthouse") == [doc(2).image_id]
    assert search_index.search(SearchQuery()).total == 1


def test_given_an_update_then_new_words_match_and_old_ones_do_not(
    search_index: SearchIndex,
) -> None:
    put(search_index, doc(1, "Winter forest", tags=["snow"]))
    put(search_index, doc(1, "Summer forest", tags=["leaves"], version=2))
    assert find(search_index, "summer") == [doc(1).image_id]
    assert find(search_index, "winter") == []
    page = search_index.search(SearchQuery(tags=("leaves",)))
    assert page.total == 1 and page.hits[0].version == 2
    assert search_index.search(SearchQuery(tags=("snow",))).total == 0


def test_given_replayed_changes_then_versions_decide(search_index: SearchIndex) -> None:
    newer, older = doc(1, "Newer title", version=3), doc(1, "Older title", version=2)
    search_index.apply([Change(newer.image_id, 3, newer), Change(older.image_id, 2, older)])
    put(search_index, older)
    put(search_index, doc(1, "Same version", version=3))
    assert [h.title for h in search_index.search(SearchQuery()).hits] == ["Newer title"]
    search_index.apply([Change(newer.image_id, 5, None)])
    put(search_index, doc(1, "Resurrected", version=4))
    put(search_index, doc(1, "Resurrected", version=5))
    assert search_index.search(SearchQuery()).total == 0
    put(search_index, doc(1, "Truly newer", version=6))
    assert [h.title for h in search_index.search(SearchQuery()).hits] == ["Truly newer"]


def test_given_a_delete_before_any_upsert_then_a_late_older_upsert_stays_deleted(
    search_index: SearchIndex,
) -> None:
    search_index.apply([Change(doc(1).image_id, 4, None)])
    put(search_index, doc(1, "Late", version=3))
    assert search_index.search(SearchQuery()).total == 0


# --- suggest and rebuild ---------------------------------------------------------------------


def test_given_a_prefix_then_tags_first_then_titles_up_to_the_limit(
    search_index: SearchIndex,
) -> None:
    put(search_index, doc(1, "Morning mist", tags=["mountain", "mist"]),
        doc(2, "Lake at dawn", tags=["mountain", "lake"]), doc(3, "The Moor", tags=["moss"]),
        doc(4, "Empty room", tags=["interior"]))
    suggestions = search_index.suggest("mo", 10)
    assert suggestions[:2] == ["mountain", "moss"]
    assert set(suggestions[2:]) == {"Morning mist", "The Moor"}
    assert len(search_index.suggest("mo", 3)) == 3
    assert search_index.suggest("zz", 10) == []


def test_given_a_rebuild_then_only_the_new_docs_remain(search_index: SearchIndex) -> None:
    put(search_index, doc(1, "Old one"), doc(2, "Old two"))
    count = search_index.rebuild(iter([doc(3, "New three"), doc(4, "New four", tags=["fresh"])]))
    assert count == 2
    assert sorted(find(search_index)) == [doc(3).image_id, doc(4).image_id]
    assert find(search_index, "old") == []
    assert search_index.suggest("fr", 5) == ["fresh"]
    put(search_index, doc(3, "Older three", version=0))
    assert find(search_index, "three") == [doc(3).image_id]
    assert find(search_index, "older") == []


# --- what the sweeper compares with the table -------------------------------------------------


def test_given_docs_and_deletes_then_versions_are_those_of_searchable_docs(
    search_index: SearchIndex,
) -> None:
    put(search_index, doc(1), doc(2, version=4), doc(3, version=2))
    search_index.apply([Change(doc(3).image_id, 3, None)])  # a delete leaves no version
    asked = [doc(n).image_id for n in (1, 2, 3, 9)]
    assert search_index.versions(asked) == {doc(1).image_id: 1, doc(2).image_id: 4}
    assert search_index.versions([]) == {}


def test_given_many_docs_then_ids_after_pages_through_them_in_order(
    search_index: SearchIndex,
) -> None:
    numbers = [1, 2, 5, 0xA0, 0xA1, 0xB7, 2**120, 2**124 + 3, 15 * 2**124]
    put(search_index, *(doc(n) for n in numbers))
    search_index.apply([Change(doc(5).image_id, 2, None)])
    expected = sorted(doc(n).image_id for n in numbers if n != 5)
    seen, after = [], ""
    while page := search_index.ids_after(after, 3):
        assert len(page) <= 3
        seen += page
        after = page[-1]
    assert seen == expected
    # AND a slice of the id space starts where it is asked to
    assert search_index.ids_after("1", 10) == [doc(2**124 + 3).image_id, doc(15 * 2**124).image_id]


def test_given_docs_of_this_schema_then_none_is_outdated_and_absent_ones_stay_absent(
    search_index: SearchIndex,
) -> None:
    # GIVEN documents this code wrote, one deleted since
    put(search_index, doc(1), doc(2, version=4), doc(3))
    search_index.apply([Change(doc(3).image_id, 2, None)])
    # WHEN the sweeper offers the table's documents for a refresh (one never indexed, one
    # deleted, one older than the indexed version)
    offered = [doc(1), doc(2, version=3, title="Older"), doc(3), doc(9, title="Never indexed")]
    # THEN nothing is rewritten and nothing appears
    assert search_index.refresh_outdated(offered) == 0
    assert search_index.refresh_outdated([]) == 0
    assert sorted(find(search_index)) == sorted([doc(1).image_id, doc(2).image_id])
    assert search_index.versions([doc(n).image_id for n in (1, 2, 3, 9)]) == {
        doc(1).image_id: 1, doc(2).image_id: 4}
    assert not find(search_index, "older") and not find(search_index, "indexed")


# Similar photos: known groups. HASH's look-alikes are 1 and 3 bits away; FAR keeps HASH's
# first band (so the lookup meets it) but is 48 bits away: a chance meeting, not a look-alike.
HASH = 0x0123456789ABCDEF


def hashed(value: int) -> str:
    return f"{value:016x}"


def similar_ids(index: SearchIndex, n: int, per_page: int = 12) -> list[int]:
    found = index.similar(SimilarQuery(f"{n:032x}", per_page=per_page))
    return [int(hit.image_id, 16) for hit in found]


def similar_catalogue(index: SearchIndex) -> None:
    put(
        index,
        doc(1, phash=hashed(HASH), tags=("cat", "sofa", "window"), color="orange"),
        doc(2, phash=hashed(HASH ^ 0b111), color="green"),  # 3 bits: a look-alike
        doc(3, phash=hashed(HASH ^ 1), tags=("cat",), color="orange"),  # 1 bit, shares a tag too
        doc(4, phash=hashed(HASH ^ 0x0000FFFFFFFFFFFF), color="green"),  # FAR, nothing shared
        doc(5, tags=("cat", "sofa"), color="green"),  # two tags
        doc(6, tags=("window",), color="orange"),  # a tag and the colour
        doc(7, tags=("sofa",), color="green"),  # one tag, another colour
        doc(8, color="orange"),  # the colour only
        doc(9, tags=("dog",), color="green", phash=hashed(~HASH & (2**64 - 1))),  # nothing
    )


def test_given_known_groups_when_similar_then_look_alikes_by_distance_then_tags_then_colour(
    search_index: SearchIndex,
) -> None:
    # GIVEN look-alikes, images sharing tags or the colour, a chance band meeting and strangers
    similar_catalogue(search_index)
    # WHEN asking for photos like 1 THEN nearest hashes first, then most shared tags, then the
    # colour (a shared tag before the colour alone), each once, never 1 itself, 4 and 9 never
    assert similar_ids(search_index, 1) == [3, 2, 5, 6, 7, 8]


def test_given_per_page_when_similar_then_only_the_first_ones(search_index: SearchIndex) -> None:
    similar_catalogue(search_index)
    assert similar_ids(search_index, 1, per_page=3) == [3, 2, 5]


def test_given_no_hash_when_similar_then_tags_and_colour_only(search_index: SearchIndex) -> None:
    # GIVEN 5 has no perceptual hash: it shares cat and sofa with 1, cat with 3, sofa with 7
    similar_catalogue(search_index)
    found = similar_ids(search_index, 5)
    # THEN the two-tag match first, then one tag with the colour (7: green), then one tag,
    # then the colour alone (2, 4, 9 are green; newest first by their dates)
    assert found[:2] == [1, 7]
    assert set(found) == {1, 2, 3, 4, 7, 9}
    assert 5 not in found


def test_given_a_deleted_or_unknown_image_when_similar_then_nothing_and_never_it(
    search_index: SearchIndex,
) -> None:
    similar_catalogue(search_index)
    search_index.apply([Change(f"{3:032x}", 2, None)])
    assert similar_ids(search_index, 3) == []
    assert similar_ids(search_index, 42) == []
    assert 3 not in similar_ids(search_index, 1)
    assert similar_ids(search_index, 1)[0] == 2


# --- most words (the fallback when no photo has every word) ---------------------------------


def test_given_min_words_when_searching_then_photos_with_most_words_match_best_first(
    search_index: SearchIndex,
) -> None:
    put(search_index, doc(1, "Red barn at dusk"), doc(2, "Barn in snow"), doc(3, "Red car"))
    put(search_index, doc(4, "Calm lake"))
    words = ("red", "barn", "snow", "dusk")
    assert find(search_index, *words, sort=Sort.RELEVANCE, **WORDS_OFF) == []
    found = find(search_index, *words, min_words=2, sort=Sort.RELEVANCE, **WORDS_OFF)
    assert found == [doc(1).image_id, doc(2).image_id]  # three of the words, then two
    anyone = find(search_index, *words, min_words=1, sort=Sort.RELEVANCE, **WORDS_OFF)
    assert anyone == [doc(n).image_id for n in (1, 2, 3)]


def test_given_min_words_then_filters_and_desc_words_still_all_apply(
    search_index: SearchIndex,
) -> None:
    put(search_index, doc(1, "Red barn", description="winter"), doc(2, "Red car", color="red"))
    put(search_index, doc(3, "Red barn", description="summer", color="red"))
    most = {"min_words": 1, **WORDS_OFF}
    assert find(search_index, "red", "barn", color="red", **most) == ids_of(2, 3)
    assert find(search_index, "red", "boat", desc_words=("winter",), **most) == ids_of(1)


def ids_of(*numbers: int) -> list[str]:
    """Ids of doc(n) in the order the NEWEST sort lists them (newer day first)."""
    return [doc(n).image_id for n in sorted(numbers, key=lambda n: -(n % 28))]

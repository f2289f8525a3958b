"""Search use case: parsing, fuzzy retry, signed cursors bound to their query."""

from __future__ import annotations

import pytest

from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.search import Change, SearchDoc, SearchPage, SearchQuery
from chalicelib.domain.search.limits import SearchLimits
from chalicelib.ports import SearchIndex
from chalicelib.services import search
from tests.fakes import FakeSearchIndex, search_doc

SECRET = b"k"


_doc = search_doc


def _index(*docs: SearchDoc) -> FakeSearchIndex:
    index = FakeSearchIndex()
    index.apply([Change(d.image_id, d.version, d) for d in docs])
    return index


def test_nothing_matches_then_one_fuzzy_retry_says_so() -> None:
    index = _index(_doc(1))
    answer = search.search(index, {"q": "foz"}, SECRET)
    assert answer.fuzzy and answer.page.total == 1
    assert [q.fuzzy for q in index.queries] == [False, True]


def test_exact_matches_are_not_fuzzy() -> None:
    answer = search.search(_index(_doc(1)), {"q": "fox"}, SECRET)
    assert not answer.fuzzy and answer.page.total == 1


def test_cursor_pages_through_without_gaps_or_repeats() -> None:
    index = _index(*(_doc(n) for n in range(1, 8)))
    seen: list[str] = []
    params = {"q": "fox", "per_page": "3"}
    while True:
        answer = search.search(index, params, SECRET)
        seen += [d.image_id for d in answer.page.hits]
        if answer.next_cursor is None:
            break
        params = {**params, "cursor": answer.next_cursor}
    assert seen == sorted(seen) and len(seen) == len(set(seen)) == 7


def test_a_cursor_from_another_query_or_key_is_refused() -> None:
    index = _index(*(_doc(n) for n in range(1, 5)))
    cursor = search.search(index, {"q": "fox", "per_page": "1"}, SECRET).next_cursor
    assert cursor is not None
    with pytest.raises(InvalidInput) as other_query:
        search.search(index, {"q": "red", "per_page": "1", "cursor": cursor}, SECRET)
    with pytest.raises(InvalidInput) as other_key:
        search.search(index, {"q": "fox", "per_page": "1", "cursor": cursor}, b"other")
    assert other_query.value.code == other_key.value.code == "invalid_cursor"


def test_fuzzy_pages_stay_fuzzy() -> None:
    index = _index(*(_doc(n) for n in range(1, 4)))
    first = search.search(index, {"q": "foz", "per_page": "1"}, SECRET)
    second = search.search(
        index, {"q": "foz", "per_page": "1", "cursor": first.next_cursor or ""}, SECRET
    )
    assert first.fuzzy and second.fuzzy and second.page.hits[0] != first.page.hits[0]


def test_suggest_needs_two_characters_and_caps_length() -> None:
    index = _index(_doc(1, tags=("forest", "fox")))
    assert search.suggest(index, "f") == []
    assert search.suggest(index, "Fo") == ["forest", "fox"]
    with pytest.raises(InvalidInput) as long_query:
        search.suggest(index, "x" * 257)
    assert long_query.value.code == "query_too_long"


# --- bounds: what one search may cost ---------------------------------------------------------


class RecordingIndex:
    """Any SearchIndex, with every search it was asked for written down."""

    def __init__(self, inner: SearchIndex) -> None:
        self.inner = inner
        self.searches: list[SearchQuery] = []
        self.suggests: list[str] = []

    def search(self, query: SearchQuery) -> SearchPage:
        self.searches.append(query)
        return self.inner.search(query)

    def suggest(self, prefix: str, limit: int) -> list[str]:
        self.suggests.append(prefix)
        return self.inner.suggest(prefix, limit)

    def __getattr__(self, name: str) -> object:  # apply, rebuild, versions, ids_after
        return getattr(self.inner, name)


def _recording(*docs: SearchDoc) -> RecordingIndex:
    return RecordingIndex(_index(*docs))


@pytest.mark.parametrize(
    ("q", "retried"),
    [
        ("zzz qqq", True),  # 2 words
        ("zzz qqq xxx vvv", True),  # 4 words: the default limit
        ("zzz qqq xxx vvv www", False),  # 5 words
        ('zzz qqq xxx desc:"vvv www"', False),  # 3 words and 2 desc: words
        ("z" * 24, True),
        ("z" * 25, False),  # a long word: no fuzzy automaton for it
    ],
)
def test_given_no_exact_match_then_the_fuzzy_retry_only_for_a_few_short_words(
    q: str, retried: bool
) -> None:
    index = _recording(_doc(1))
    answer = search.search(index, {"q": q}, SECRET)
    every_word = [query.fuzzy for query in index.searches if query.min_words is None]
    assert every_word == ([False, True] if retried else [False])
    assert answer.fuzzy is retried


def test_given_a_configured_fuzzy_word_limit_then_it_decides() -> None:
    index = _recording(_doc(1))
    search.search(index, {"q": "zzz qqq"}, SECRET, SearchLimits(fuzzy_max_words=1))
    assert not any(query.fuzzy for query in index.searches)


def test_given_a_fuzzy_cursor_when_the_limits_now_forbid_fuzzy_then_pages_are_exact() -> None:
    index = _recording(*(_doc(n) for n in range(1, 4)))
    first = search.search(index, {"q": "foz", "per_page": "1"}, SECRET)
    assert first.fuzzy and first.next_cursor
    params = {"q": "foz", "per_page": "1", "cursor": first.next_cursor}
    later = search.search(index, params, SECRET, SearchLimits(fuzzy_max_words=1, max_words=1))
    assert later.fuzzy  # 1 word is still within a limit of 1
    index.searches.clear()
    stricter = SearchLimits(fuzzy_max_word_chars=2)
    assert not search.search(index, params, SECRET, stricter).fuzzy
    assert [query.fuzzy for query in index.searches] == [False]


def test_given_a_too_long_query_then_refused_before_the_engine_is_asked() -> None:
    index = _recording(_doc(1))
    for params in ({"q": " ".join(f"w{i}" for i in range(33))}, {"q": "x" * 257}):
        with pytest.raises(InvalidInput) as refused:
            search.search(index, params, SECRET)
        assert refused.value.code == "query_too_long"
    assert index.searches == []


def test_the_total_cap_reaches_the_engine_and_comes_back_as_a_lower_bound() -> None:
    index = _recording(*(_doc(n) for n in range(1, 6)))
    answer = search.search(index, {"q": "fox"}, SECRET, SearchLimits(total_hits_cap=3))
    assert index.searches[0].count_up_to == 3
    assert (answer.page.total, answer.page.total_exact) == (3, False)
    exact = search.search(index, {"q": "fox"}, SECRET)
    assert (exact.page.total, exact.page.total_exact) == (5, True)


def test_suggest_past_the_word_limit_asks_the_engine_nothing() -> None:
    index = _recording(_doc(1, tags=("fox",)))
    many = " ".join(f"w{i}" for i in range(33))
    assert search.suggest(index, many) == []
    assert search.suggest(index, "fo") == ["fox"]
    assert index.suggests == ["fo"]
    with pytest.raises(InvalidInput) as refused:
        search.suggest(index, "fo", SearchLimits(max_query_chars=1))
    assert refused.value.code == "query_too_long"


def test_no_photo_has_every_word_then_most_words_after_the_fuzzy_retry() -> None:
    index = _index(_doc(1, "Red barn"), _doc(2, "Blue sea"))
    answer = search.search(index, {"q": "red barn snow"}, SECRET)
    assert answer.match == "most" and [d.image_id for d in answer.page.hits] == [_doc(1).image_id]
    assert [(q.fuzzy, q.min_words) for q in index.queries] == [
        (False, None), (True, None), (True, 2)]


def test_every_word_matching_says_all_and_never_asks_for_most() -> None:
    index = _index(_doc(1, "Red barn snow"))
    answer = search.search(index, {"q": "red barn snow"}, SECRET)
    assert answer.match == "all" and [q.min_words for q in index.queries] == [None]


def test_one_word_or_nothing_found_by_most_words_stays_all() -> None:
    index = _index(_doc(1, "Calm lake"))
    assert search.search(index, {"q": "zebra"}, SECRET).match == "all"
    assert search.search(index, {"q": "zebra okapi"}, SECRET).match == "all"


def test_most_words_pages_keep_most_words_through_the_cursor() -> None:
    index = _index(*(_doc(n, f"Red barn {n}") for n in range(1, 6)))
    params = {"q": "red barn snow", "per_page": "2"}
    first = search.search(index, params, SECRET)
    assert first.match == "most" and first.next_cursor
    second = search.search(index, {**params, "cursor": first.next_cursor}, SECRET)
    assert second.match == "most" and len(second.page.hits) == 2
    assert index.queries[-1].min_words == 2


def test_most_words_share_is_a_limit() -> None:
    index = _index(_doc(1, "Red"))
    strict = SearchLimits(most_words_percent=100)
    assert search.search(index, {"q": "red barn"}, SECRET, strict).match == "all"
    assert search.search(index, {"q": "red barn"}, SECRET).match == "most"

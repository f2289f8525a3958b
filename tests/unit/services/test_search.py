"""Search use case: parsing, fuzzy retry, signed cursors bound to their query."""

from __future__ import annotations

import pytest

from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.search import Change, SearchDoc
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

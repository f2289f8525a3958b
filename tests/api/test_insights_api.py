"""Searches nobody could satisfy over HTTP: counted by GET /search, listed by
GET /api/insights/wanted for contributors and admins."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from chalicelib import bootstrap
from chalicelib.adapters.wanted_buffer import BufferedWantedCounter
from tests.api.conftest import Api
from tests.support.tokens import bearer

ALICE = bearer("sub-alice", "alice", "contributors")
ADMIN = bearer("sub-ada", "ada", "admins")
VISITOR = bearer("sub-vera", "vera")
TODAY = "2026-11-27"  # the fake clock's day


@dataclass
class Wanted:
    api: Api
    counter: BufferedWantedCounter

    def search(self, **params: str) -> int:
        query = "&".join(f"{k}={v}" for k, v in params.items())
        return int(self.api.client.http.get(f"/search?{query}").status_code)

    def listed(self, headers: dict[str, str], days: str = "30"):  # type: ignore[no-untyped-def]
        self.counter.flush()
        return self.api.client.http.get(f"/insights/wanted?days={days}", headers=headers)


@pytest.fixture
def wanted(api: Api) -> Iterator[Wanted]:
    from tests.fakes import FakeWantedStore

    services = bootstrap.services()
    store = FakeWantedStore()
    counter = BufferedWantedCounter(store, keep_days=90, background=False)
    services.wanted_store, services.wanted_counter = store, counter
    yield Wanted(api, counter)


def test_empty_searches_are_listed_with_count_and_day(wanted: Wanted) -> None:
    # GIVEN three searches nobody can satisfy (one with operators, one on a second page)
    assert wanted.search(q="purple+giraffe") == 200
    assert wanted.search(q="Purple+Giraffe+tags:zoo", sort="newest", per_page="5") == 200
    assert wanted.search(q="okapi") == 200
    # WHEN a contributor asks THEN both queries are there, most counted first
    answer = wanted.listed(ALICE)
    assert answer.status_code == 200
    assert json.loads(answer.body) == {"queries": [
        {"query": "purple giraffe", "count": 2, "last_seen": TODAY},
        {"query": "okapi", "count": 1, "last_seen": TODAY},
    ]}


def test_a_search_only_most_words_could_answer_is_still_wanted(wanted: Wanted) -> None:
    from chalicelib.domain.search import Change
    from tests.fakes import search_doc

    index = wanted.api.deps.search_index()
    foxes = [search_doc(n, "Red fox") for n in range(1, 6)]  # more than WANTED_FEW_RESULTS
    index.apply([Change(fox.image_id, 1, fox) for fox in foxes])
    # GIVEN a search whose words no photo has all of, answered with most of them
    answer = wanted.api.client.http.get("/search?q=red+fox+okapi")
    assert json.loads(answer.body)["match"] == "most"
    # THEN contributors still see it asked for
    assert json.loads(wanted.listed(ALICE).body)["queries"][0]["query"] == "red fox okapi"


def test_admins_see_the_list_too_empty_before_any_search(
    wanted: Wanted,
) -> None:
    answer = wanted.listed(ADMIN)
    assert (answer.status_code, json.loads(answer.body)) == (200, {"queries": []})


def test_visitors_are_refused_and_anonymous_callers_must_sign_in(wanted: Wanted) -> None:
    refused = wanted.listed(VISITOR)
    assert refused.status_code == 403
    assert json.loads(refused.body)["error"]["code"] == "not_a_contributor"
    assert wanted.listed({}).status_code == 401


@pytest.mark.parametrize("days", ["0", "91", "x", "-3"])
def test_days_outside_one_to_ninety_are_400_with_the_error_shape(wanted: Wanted,
                                                                  days: str) -> None:
    refused = wanted.listed(ALICE, days)
    body = json.loads(refused.body)
    assert refused.status_code == 400 and set(body) == {"error"}
    assert body["error"]["code"] == "invalid_days" and body["error"]["message"]


def test_a_refused_search_is_not_counted(wanted: Wanted) -> None:
    assert wanted.search(q="giraffe", sort="sideways") == 400
    assert json.loads(wanted.listed(ALICE).body) == {"queries": []}

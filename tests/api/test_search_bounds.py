"""Hostile searches over HTTP: a 400 with a code and plain words, or a 200; never a 5xx."""

from __future__ import annotations

import json
from dataclasses import replace
from urllib.parse import urlencode

import pytest

from chalicelib.domain.search import Change
from chalicelib.domain.search.limits import SearchLimits
from tests.api.conftest import Api
from tests.fakes import search_doc
from tests.support.hostile_queries import ANSWERED, REFUSED


def _get(api: Api, path: str, params: dict[str, str]):  # type: ignore[no-untyped-def]
    return api.client.http.get(f"{path}?{urlencode(params)}")


def _index(api: Api, count: int) -> None:
    docs = [search_doc(n) for n in range(1, count + 1)]
    api.deps.search_index().apply([Change(d.image_id, 1, d) for d in docs])


@pytest.mark.parametrize(("params", "code"), REFUSED.values(), ids=REFUSED.keys())
def test_given_a_query_past_a_limit_then_400_with_its_code_and_plain_words(
    api: Api, params: dict[str, str], code: str
) -> None:
    response = _get(api, "/search", params)
    body = json.loads(response.body)
    assert response.status_code == 400
    assert body["error"]["code"] == code
    assert body["error"]["message"].startswith(("A ", "At most", "The list"))


@pytest.mark.parametrize("params", ANSWERED.values(), ids=ANSWERED.keys())
def test_given_a_hostile_query_within_the_limits_then_200(api: Api, params: dict[str, str]) -> None:
    response = _get(api, "/search", params)
    assert response.status_code == 200, response.body
    assert json.loads(response.body)["total_relation"] in {"eq", "gte"}


def test_the_total_is_exact_up_to_the_cap_then_a_lower_bound(api: Api) -> None:
    _index(api, 5)
    exact = json.loads(_get(api, "/search", {"q": "fox"}).body)
    assert (exact["total"], exact["total_relation"]) == (5, "eq")
    api.deps.limits = replace(api.deps.limits, search=SearchLimits(total_hits_cap=3))
    capped = json.loads(_get(api, "/search", {"q": "fox", "per_page": "2"}).body)
    assert (capped["total"], capped["total_relation"]) == (3, "gte")
    assert len(capped["results"]) == 2 and capped["next_cursor"]


def test_a_configured_word_limit_is_the_one_the_api_applies(api: Api) -> None:
    api.deps.limits = replace(api.deps.limits, search=SearchLimits(max_words=2))
    response = _get(api, "/search", {"q": "red fox sky"})
    body = json.loads(response.body)
    assert response.status_code == 400
    assert body["error"] == {
        "code": "query_too_long",
        "message": "A search can have at most 2 different words; this one has 3."
        " Remove some words and try again.",
    }


@pytest.mark.parametrize(
    "q", ["*" * 256, "?" * 256, r"/.*/ [a-z]+", "a" * 256, "OR NOT " * 36, '"' * 256]
)
def test_suggest_answers_hostile_prefixes_with_200(api: Api, q: str) -> None:
    response = _get(api, "/suggest", {"q": q})
    assert response.status_code == 200
    assert isinstance(json.loads(response.body)["suggestions"], list)


def test_suggest_refuses_a_prefix_past_the_character_limit(api: Api) -> None:
    response = _get(api, "/suggest", {"q": "a" * 2_000})
    assert response.status_code == 400
    assert json.loads(response.body)["error"]["code"] == "query_too_long"

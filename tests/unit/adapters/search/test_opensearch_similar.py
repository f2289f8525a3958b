"""Similar photos on OpenSearch: the requests it sends and how it ranks what comes back."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from chalicelib.adapters.search.opensearch.mapping import index_body, to_source
from chalicelib.adapters.search.opensearch.similar import any_term_body, find
from chalicelib.domain.search import SearchDoc
from chalicelib.domain.search.similar import SimilarQuery
from tests.fakes import search_doc

HASH = "0123456789abcdef"


def hit(doc: SearchDoc) -> dict[str, Any]:
    return {"_source": {"doc": to_source(doc)["doc"]}}


class Reader:
    """Answers each _search in turn and keeps the bodies."""

    def __init__(self, *answers: list[SearchDoc]) -> None:
        self.answers = list(answers)
        self.bodies: list[dict[str, Any]] = []

    def __call__(self, body: dict[str, Any]) -> dict[str, Any] | None:
        self.bodies.append(body)
        return {"hits": {"hits": [hit(d) for d in self.answers.pop(0)]}}


def test_a_hashed_doc_is_stored_with_its_band_keys_which_the_mapping_knows() -> None:
    source = to_source(replace(search_doc(1), phash=HASH))
    assert source["phash_bands"] == ["b0:0123", "b1:4567", "b2:89ab", "b3:cdef"]
    assert "phash_bands" not in to_source(search_doc(1))  # no hash, no keys
    assert index_body()["mappings"]["properties"]["phash_bands"] == {"type": "keyword"}


def test_find_asks_for_the_target_then_68_probe_keys_then_tags_and_colour() -> None:
    target = replace(search_doc(1, tags=("fox", "snow")), phash=HASH, color="red")
    twin = replace(search_doc(2, tags=()), phash="0123456789abcdee", color="blue")
    tagged = replace(search_doc(3, tags=("snow",)), color="blue")
    reader = Reader([target], [twin], [tagged, twin])
    found = find(reader, SimilarQuery(target.image_id, per_page=5, candidates=50))
    assert [d.image_id for d in found] == [twin.image_id, tagged.image_id]
    probe, shared = reader.bodies[1], reader.bodies[2]
    assert len(probe["query"]["bool"]["should"]) == 68 and probe["size"] == 50
    assert probe["query"]["bool"]["must_not"] == [{"ids": {"values": [target.image_id]}}]
    assert shared["query"]["bool"]["should"] == [
        {"term": {"tags.keyword": "fox"}}, {"term": {"tags.keyword": "snow"}},
        {"term": {"color": "red"}},
    ]


def test_an_unknown_image_costs_one_request_and_finds_nothing() -> None:
    reader = Reader([])
    assert find(reader, SimilarQuery("nope")) == ()
    assert len(reader.bodies) == 1


def test_nothing_to_ask_for_is_no_request() -> None:
    assert any_term_body("x", [("color", "")], 10) is None
    assert any_term_body("x", [("color", "red")], 0) is None

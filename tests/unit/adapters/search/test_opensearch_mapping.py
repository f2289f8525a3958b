"""The index every new OpenSearch index is created with, and the documents stored in it."""

from __future__ import annotations

import itertools
import json
import re
from typing import Any

import pytest

from chalicelib.adapters.search.opensearch.mapping import (
    HISTORY,
    TEMPLATE_VERSION,
    MappingVersion,
    added_since,
    from_source,
    index_body,
    rebuild_needed,
    to_source,
)
from chalicelib.domain.model import Rendition
from tests.unit.adapters.search.docs import doc
from tests.unit.adapters.search.golden import assert_golden

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _body() -> dict[str, Any]:
    return index_body()


def _properties() -> dict[str, Any]:
    properties: dict[str, Any] = _body()["mappings"]["properties"]
    return properties


def test_every_new_index_gets_the_reviewed_body_of_this_version() -> None:
    # GIVEN the body the adapter creates indices with THEN it is the reviewed golden one
    assert_golden(f"index_body_v{TEMPLATE_VERSION}", index_body())


@pytest.mark.parametrize("step", HISTORY, ids=lambda step: f"v{step.number}")
def test_every_past_version_still_builds_the_body_it_was_deployed_with(
    step: MappingVersion,
) -> None:
    # GIVEN a version of the history WHEN its body is built THEN it is the reviewed one of
    # its day: editing a field of an older version in place (instead of adding a version)
    # fails here, since live indices of that version hold the old definition
    assert_golden(f"index_body_v{step.number}", index_body(step.number))


def test_each_version_only_adds_fields_to_the_one_before() -> None:
    # GIVEN consecutive versions THEN every field of the older one is unchanged in the newer
    # and the newer adds exactly what it declares (no field is added twice)
    for before, after in itertools.pairwise(HISTORY):
        old = index_body(before.number)["mappings"]["properties"]
        new = index_body(after.number)["mappings"]["properties"]
        assert {name: new[name] for name in old} == old
        assert set(new) - set(old) == set(after.added)
        assert not set(after.added) & set(old)
        assert after.number == before.number + 1


def test_the_fields_added_since_a_version_are_those_of_the_later_versions() -> None:
    assert added_since(1, 3) == {"phash_bands": {"type": "keyword"},
                                 "doc_schema": {"type": "short"}}
    assert added_since(2, 3) == {"doc_schema": {"type": "short"}}
    assert added_since(TEMPLATE_VERSION) == {}
    assert rebuild_needed(0) == []  # every version so far was additive


def test_each_document_records_the_schema_it_was_written_with() -> None:
    assert to_source(doc("img-0001", 1))["doc_schema"] == TEMPLATE_VERSION


def test_text_fields_are_stemmed_in_english_without_stop_words() -> None:
    analysis = _body()["settings"]["analysis"]
    english = analysis["analyzer"]["english_words"]
    filters = [analysis["filter"].get(name, {"type": name}) for name in english["filter"]]
    assert {"type": "lowercase"} in filters
    assert {"type": "stemmer", "language": "porter2"} in filters
    assert not [f for f in filters if f["type"] == "stop"]
    for field in ("title", "tags", "description"):
        assert _properties()[field]["analyzer"] == "english_words"


def test_prefix_fields_are_unstemmed_with_indexed_prefixes() -> None:
    analysis = _body()["settings"]["analysis"]
    assert analysis["analyzer"]["plain_words"]["filter"] == ["lowercase"]
    for field in ("title", "tags", "description"):
        plain = _properties()[field]["fields"]["plain"]
        assert plain["analyzer"] == "plain_words"
        assert plain["index_prefixes"]["min_chars"] == 1


def test_filter_facet_and_sort_fields_have_exact_types() -> None:
    props = _properties()
    assert props["tags"]["fields"]["keyword"]["type"] == "keyword"
    assert props["title"]["fields"]["keyword"]["type"] == "keyword"
    for name in ("image_id", "owner", "orientation", "color"):
        assert props[name]["type"] == "keyword"
    for name in ("width", "height", "popularity", "version", "created_ts"):
        assert props[name]["type"] in ("integer", "long")
    assert props["created_at"]["type"] == "date"
    assert props["created_day"] == {"type": "date", "format": "strict_date"}
    assert props["doc"] == {"type": "object", "enabled": False}
    assert _body()["mappings"]["dynamic"] == "strict"


def test_tombstones_outlive_the_streams_max_record_age() -> None:
    gc_deletes = _body()["settings"]["index"]["gc_deletes"]
    amount, unit = re.fullmatch(r"(\d+)([smhd])", gc_deletes).groups()  # type: ignore[union-attr]
    assert int(amount) * UNITS[unit] >= 3600


def test_stored_documents_only_use_mapped_fields() -> None:
    # GIVEN a strict mapping WHEN a document is stored THEN every field in it is mapped
    assert set(to_source(doc())) <= set(_properties())


def test_a_stored_document_rebuilds_the_search_doc_exactly() -> None:
    large = Rendition("large", "k", 2048, 1536, "webp", 99)
    original = doc(tags=("b", "a"), renditions={"large": large})
    stored = json.loads(json.dumps(to_source(original)))
    assert from_source(stored["doc"]) == original


def test_upload_day_parts_are_taken_in_utc() -> None:
    # GIVEN an upload at 01:30 on Christmas in UTC+02:00 (still the 24th in UTC)
    source = to_source(doc(created_at="2024-12-25T01:30:00.000001+02:00"))
    # THEN the day, its parts and the sort key are UTC ones, to the microsecond
    assert source["created_day"] == "2024-12-24"
    assert (source["created_year"], source["created_month"], source["created_dom"]) == (
        2024,
        12,
        24,
    )
    assert source["created_ts"] == 1735083000000001


def test_sort_key_orders_like_the_timestamps_within_one_millisecond() -> None:
    earlier = to_source(doc(created_at="2024-12-24T23:59:59.123456Z"))["created_ts"]
    later = to_source(doc(created_at="2024-12-24T23:59:59.123457Z"))["created_ts"]
    assert later - earlier == 1

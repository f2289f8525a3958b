"""Similar photos in the domain: band keys, the look-alike cut, the final order."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.search import SearchDoc
from chalicelib.domain.search.similar import (
    SimilarQuery,
    look_alikes,
    phash_bands,
    probe_terms,
    rank,
    related,
)

BASE = 0xFEDCBA9876543210


def doc(name: str, phash: int | None = None, **fields: Any) -> SearchDoc:
    base: dict[str, Any] = {
        "image_id": name, "version": 1, "title": name, "description": "", "tags": (),
        "owner": "o", "owner_name": "O", "created_at": "2026-01-01T00:00:00.000000Z",
        "width": 10, "height": 10, "orientation": "square", "color": "blue",
        "color_hex": "#0000ff", "blurhash": "",
        "phash": "" if phash is None else f"{phash:016x}",
    }
    base.update(fields)
    return SearchDoc(**base)


def names(docs: Any) -> list[str]:
    return [d.image_id for d in docs]


def test_band_keys_are_the_four_16_bit_bands_and_a_lookup_probes_68() -> None:
    assert phash_bands(f"{BASE:016x}") == ["b0:fedc", "b1:ba98", "b2:7654", "b3:3210"]
    terms = probe_terms(f"{BASE:016x}")
    assert len(terms) == 68 and set(phash_bands(f"{BASE:016x}")) <= set(terms)
    assert "b3:3211" in terms  # one bit away in the last band


def test_no_hash_or_a_malformed_one_has_no_keys() -> None:
    assert phash_bands("") == [] and probe_terms("") == []
    assert phash_bands("xyz") == [] and probe_terms("0123") == []


def test_look_alikes_are_nearest_first_within_the_cut_never_the_target() -> None:
    target = doc("t", BASE)
    found = look_alikes(target, [doc("far", BASE ^ 0xFFFFF), doc("b", BASE ^ 0b11),
                                 doc("a", BASE ^ 0b11), doc("near", BASE ^ 1), target,
                                 doc("none")], max_distance=16)
    assert names(found) == ["near", "a", "b"]  # equal distances by id; 20 bits is too far


def test_related_orders_by_shared_tags_then_colour_then_newest() -> None:
    target = doc("t", tags=("a", "b"), color="red")
    found = related(target, [
        doc("colour-old", color="red", created_at="2025-01-01T00:00:00.000000Z"),
        doc("colour-new", color="red", created_at="2026-06-01T00:00:00.000000Z"),
        doc("one-tag", tags=("a",)), doc("one-tag-red", tags=("b",), color="red"),
        doc("two-tags", tags=("b", "a", "z")), doc("stranger", tags=("q",)), target,
    ])
    assert names(found) == ["two-tags", "one-tag-red", "one-tag", "colour-new", "colour-old"]


def test_rank_puts_look_alikes_first_each_once_up_to_per_page() -> None:
    target = doc("t", BASE, tags=("a",))
    alike = [doc("twin", BASE ^ 1, tags=("a",))]
    near = [doc("twin", BASE ^ 1, tags=("a",)), doc("tagged", tags=("a",)), doc("blue")]
    assert names(rank(target, alike, near, SimilarQuery("t"))) == ["twin", "tagged", "blue"]
    assert names(rank(target, alike, near, SimilarQuery("t", per_page=2))) == ["twin", "tagged"]

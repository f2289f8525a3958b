"""The search contract for camera facts: `camera:` words and the `camera` facet, the same on
every engine (embedded always, OpenSearch when OPENSEARCH_URL is set)."""

from __future__ import annotations

from chalicelib.domain.search import SearchQuery
from chalicelib.domain.search.query import parse_search
from chalicelib.ports import SearchIndex
from tests.contract.test_search_index import doc, facet, find, ids, put

FIVE_D = "Canon EOS 5D Mark IV"
FIVE_DS = "Canon EOS 5DS R"
NIKON = "NIKON D850"


def catalogue(index: SearchIndex) -> None:
    """Two 5D IVs, a 5DS R, a D850, and one photo without EXIF."""
    put(index,
        doc(1, "Harbour at dawn", camera=FIVE_D), doc(2, "Harbour at dusk", camera=FIVE_D),
        doc(3, "Harbour crane", camera=FIVE_DS), doc(4, "Harbour seals", camera=NIKON),
        doc(5, "Harbour wall"))


def camera_ids(index: SearchIndex, q: str, **params: str) -> list[int]:
    query = parse_search({"q": q, "per_page": "100", **params})
    return sorted(int(image_id, 16) for image_id in ids(index.search(query)))


def test_given_camera_words_then_every_word_must_be_in_the_cameras_name(
    search_index: SearchIndex,
) -> None:
    catalogue(search_index)
    assert camera_ids(search_index, 'camera:"eos 5d"') == [1, 2]  # 5DS is another word
    assert camera_ids(search_index, "camera:nikon") == [4]
    assert camera_ids(search_index, "camera:NIKON harbour") == [4]
    assert camera_ids(search_index, "camera:canon") == [1, 2, 3]
    assert camera_ids(search_index, "camera:leica") == []


def test_given_the_facets_value_as_the_camera_parameter_then_exactly_that_camera(
    search_index: SearchIndex,
) -> None:
    catalogue(search_index)
    assert camera_ids(search_index, "harbour", camera=FIVE_DS) == [3]
    assert camera_ids(search_index, "", camera=FIVE_D) == [1, 2]


def test_given_cameras_then_the_facet_counts_them_within_the_results(
    search_index: SearchIndex,
) -> None:
    catalogue(search_index)
    page = search_index.search(SearchQuery(words=("harbour",), per_page=100))
    # Photos without a camera are counted under none.
    assert facet(page, "camera") == {FIVE_D: 2, FIVE_DS: 1, NIKON: 1}
    narrowed = search_index.search(parse_search({"q": "camera:canon", "per_page": "100"}))
    assert facet(narrowed, "camera") == {FIVE_D: 2, FIVE_DS: 1}


def test_given_camera_words_then_titles_and_tags_never_answer_for_them(
    search_index: SearchIndex,
) -> None:
    put(search_index, doc(1, "Nikon advert", tags=("nikon",)), doc(2, "Quay", camera=NIKON))
    assert camera_ids(search_index, "camera:nikon") == [2]
    assert find(search_index, "nikon") == [doc(1).image_id]


def test_given_a_camera_then_the_document_comes_back_with_it(search_index: SearchIndex) -> None:
    put(search_index, doc(1, camera=FIVE_D))
    (hit,) = search_index.search(SearchQuery(per_page=10)).hits
    assert hit.camera == FIVE_D

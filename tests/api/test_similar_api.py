"""GET /api/images/{id}/similar: anyone, ready images only, bounded pages like search's."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from chalicelib.domain.search import Change, SearchDoc
from tests.api.conftest import Api
from tests.api.test_api import ALICE, _post, _ready
from tests.fakes import search_doc
from tests.support.tokens import bearer

HASH = "0123456789abcdef"


def _index(api: Api, *docs: SearchDoc) -> None:
    api.deps.search_index().apply([Change(d.image_id, d.version, d) for d in docs])


def _catalogue(api: Api) -> tuple[str, list[str]]:
    """A ready image, its look-alike (no shared tag, another colour) and one sharing a tag."""
    image_id = _ready(api)
    target = replace(search_doc(0, tags=("fox", "snow")), image_id=image_id, phash=HASH)
    twin = replace(search_doc(11, tags=("cat",)), phash="0123456789abcdee", color="blue")
    tagged = replace(search_doc(12, tags=("snow",)), color="blue")
    stranger = replace(search_doc(13, tags=("cat",)), color="blue")
    _index(api, target, twin, tagged, stranger)
    return image_id, [twin.image_id, tagged.image_id]


def _get(api: Api, path: str, headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return api.client.http.get(path, headers=headers or {})


def test_anyone_gets_look_alikes_then_shared_tags_as_search_summaries(api: Api) -> None:
    image_id, expected = _catalogue(api)
    response = _get(api, f"/images/{image_id}/similar")
    body = json.loads(response.body)
    assert response.status_code == 200, body
    assert [hit["id"] for hit in body["results"]] == expected
    assert set(body) == {"results"} and "thumb" in json.dumps(body["results"][0])
    assert response.headers["Cache-Control"] == "public, max-age=10"
    signed_in = _get(api, f"/images/{image_id}/similar", ALICE)
    assert signed_in.headers["Cache-Control"] == "private, no-store"


def test_per_page_bounds_the_answer(api: Api) -> None:
    image_id, expected = _catalogue(api)
    body = json.loads(_get(api, f"/images/{image_id}/similar?per_page=1").body)
    assert [hit["id"] for hit in body["results"]] == expected[:1]


@pytest.mark.parametrize("per_page", ["0", "49", "abc", "-1", "1.5"])
def test_a_per_page_out_of_1_to_48_is_400(api: Api, per_page: str) -> None:
    image_id, _ = _catalogue(api)
    response = _get(api, f"/images/{image_id}/similar?per_page={per_page}")
    body = json.loads(response.body)
    assert response.status_code == 400
    assert body["error"] == {"code": "invalid_per_page",
                             "message": "`per_page` must be a whole number from 1 to 48."}


def test_an_unknown_or_unready_image_is_404_even_for_its_owner(api: Api) -> None:
    pending = json.loads(_post(api, {"filename": "a.jpg", "content_type": "image/jpeg",
                                     "size": 2048, "title": "A"}, ALICE).body)["image_id"]
    for image_id, headers in (("f" * 32, {}), ("not-an-id", {}), (pending, ALICE)):
        response = _get(api, f"/images/{image_id}/similar", headers)
        assert response.status_code == 404
        assert json.loads(response.body)["error"]["code"] == "image_not_found"


def test_another_signed_in_user_reads_the_same_list(api: Api) -> None:
    image_id, expected = _catalogue(api)
    viewer = bearer("sub-bob", "bob")
    body = json.loads(_get(api, f"/images/{image_id}/similar", viewer).body)
    assert [hit["id"] for hit in body["results"]] == expected

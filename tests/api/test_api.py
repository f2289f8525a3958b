"""The HTTP API through chalice.test.Client: status codes, shapes, permissions."""

from __future__ import annotations

import json

import pytest

from chalicelib.domain.model import Rendition
from tests.api.conftest import Api
from tests.support.tokens import access_token, bearer

ALICE = bearer("sub-alice", "alice", "contributors")
MALLORY = bearer("sub-mallory", "mallory", "contributors")
VISITOR = bearer("sub-vera", "vera")
ADMIN = bearer("sub-admin", "admin", "admins")
UPLOAD = {"filename": "beach.jpg", "content_type": "image/jpeg", "size": 2048, "title": "Beach"}


def _post(api: Api, body: object, headers: dict[str, str]):  # type: ignore[no-untyped-def]
    return api.client.http.post("/uploads", headers=headers, body=json.dumps(body))


def _error(response) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    body = json.loads(response.body)
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    return response.status_code, body["error"]["code"]


def _ready(api: Api) -> str:
    image_id = json.loads(_post(api, UPLOAD, ALICE).body)["image_id"]
    repo = api.deps.repo
    repo.start_processing(image_id, "t")
    repo.add_renditions(
        image_id, [Rendition("thumb", f"{image_id}/thumb.webp", 200, 150, "webp", 7)], "t"
    )
    repo.finish(image_id, "t")
    return image_id


def test_health_is_200(api: Api) -> None:
    response = api.client.http.get("/health")
    assert response.status_code == 200 and json.loads(response.body) == {"status": "ok"}


def test_contributor_gets_201_grant(api: Api) -> None:
    response = _post(api, UPLOAD, ALICE)
    body = json.loads(response.body)
    assert response.status_code == 201
    assert set(body) == {"image_id", "upload", "expires_in"} and body["expires_in"] == 300
    assert body["upload"]["fields"]["key"] == f"uploads/{body['image_id']}"


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Content-Type": "application/json"}, (401, "missing_token")),
        (
            {"Authorization": "Bearer nonsense", "Content-Type": "application/json"},
            (401, "invalid_token"),
        ),
        (
            {"Authorization": "Basic abc", "Content-Type": "application/json"},
            (401, "missing_token"),
        ),
        (VISITOR, (403, "not_a_contributor")),
    ],
)
def test_upload_without_rights_is_refused(api: Api, headers: dict, expected: tuple) -> None:
    assert _error(_post(api, UPLOAD, headers)) == expected


def test_expired_token_is_401(api: Api) -> None:
    token = access_token("sub-alice", "alice", ("contributors",), exp=1, iat=0)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    assert _error(_post(api, UPLOAD, headers)) == (401, "invalid_token")


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({**UPLOAD, "content_type": "image/svg+xml"}, "unsupported_type"),
        ({**UPLOAD, "size": 0}, "invalid_size"),
        ({**UPLOAD, "size": 60 * 1024 * 1024}, "too_large"),
        ([1, 2], "invalid_body"),
    ],
)
def test_bad_upload_requests_are_specific_400s(api: Api, body: object, code: str) -> None:
    assert _error(_post(api, body, ALICE)) == (400, code)


def test_invalid_json_is_400_in_our_shape(api: Api) -> None:
    response = api.client.http.post("/uploads", headers=ALICE, body="{not json")
    assert _error(response) == (400, "invalid_json")


def test_wrong_content_type_is_415_in_our_shape(api: Api) -> None:
    headers = {**ALICE, "Content-Type": "text/plain"}
    response = api.client.http.post("/uploads", headers=headers, body="hello")
    assert _error(response) == (415, "unsupported_media_type")


def test_wrong_method_is_405_in_our_shape(api: Api) -> None:
    assert _error(api.client.http.put("/uploads", headers=ALICE, body="{}"))[0] == 405


def test_pending_image_visible_to_owner_and_admin_only(api: Api) -> None:
    image_id = json.loads(_post(api, UPLOAD, ALICE).body)["image_id"]
    owner_view = json.loads(api.client.http.get(f"/images/{image_id}", headers=ALICE).body)
    assert owner_view["status"] == "pending" and owner_view["owner"] == "sub-alice"
    assert api.client.http.get(f"/images/{image_id}", headers=ADMIN).status_code == 200
    assert _error(api.client.http.get(f"/images/{image_id}", headers=MALLORY)) == (
        404,
        "image_not_found",
    )
    assert _error(api.client.http.get(f"/images/{image_id}")) == (404, "image_not_found")


def test_ready_image_is_public_with_rendition_urls(api: Api) -> None:
    image_id = _ready(api)
    body = json.loads(api.client.http.get(f"/images/{image_id}").body)
    assert body["status"] == "ready" and body["owner_name"] == "alice"
    assert body["renditions"]["thumb"] == {
        "url": f"https://cdn.test/r/{image_id}/thumb.webp",
        "width": 200,
        "height": 150,
        "format": "webp",
        "bytes": 7,
    }
    assert "reason" not in body


def test_patch_by_owner_changes_metadata_and_stranger_gets_403(api: Api) -> None:
    image_id = _ready(api)
    patch = json.dumps({"title": "Dunes", "tags": ["Sand", "desert"]})
    response = api.client.http.patch(f"/images/{image_id}", headers=ALICE, body=patch)
    assert response.status_code == 200
    assert json.loads(response.body)["tags"] == ["sand", "desert"]
    denied = api.client.http.patch(f"/images/{image_id}", headers=MALLORY, body=patch)
    assert _error(denied) == (403, "not_owner")


def test_delete_by_owner_is_204_then_404(api: Api) -> None:
    image_id = _ready(api)
    assert _error(api.client.http.delete(f"/images/{image_id}", headers=MALLORY))[0] == 403
    assert api.client.http.delete(f"/images/{image_id}", headers=ALICE).status_code == 204
    assert _error(api.client.http.get(f"/images/{image_id}", headers=ALICE))[0] == 404


def test_me_images_lists_newest_first_with_cursor(api: Api) -> None:
    ids = [json.loads(_post(api, UPLOAD, ALICE).body)["image_id"] for _ in range(3)]
    first = json.loads(api.client.http.get("/me/images?per_page=2", headers=ALICE).body)
    assert [r["id"] for r in first["results"]] == ids[::-1][:2]
    second = api.client.http.get(
        f"/me/images?per_page=2&cursor={first['next_cursor']}", headers=ALICE
    )
    body = json.loads(second.body)
    assert [r["id"] for r in body["results"]] == [ids[0]] and body["next_cursor"] is None


def test_me_images_needs_sign_in_and_valid_page_size(api: Api) -> None:
    assert _error(api.client.http.get("/me/images"))[0] == 401
    assert _error(api.client.http.get("/me/images?per_page=1000", headers=ALICE)) == (
        400,
        "invalid_per_page",
    )


def _indexed(api: Api, title: str = "Red fox") -> str:
    from chalicelib.domain.search import Change
    from tests.fakes import search_doc

    doc = search_doc(len(api.deps.search_index().docs) + 1, title)
    api.deps.search_index().apply([Change(doc.image_id, 1, doc)])
    return doc.image_id


def test_search_answers_results_facets_cursor_and_caches_briefly(api: Api) -> None:
    image_id = _indexed(api)
    response = api.client.http.get("/search?q=fox")
    body = json.loads(response.body)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=10"
    assert set(body) >= {"total", "results", "facets", "next_cursor", "fuzzy", "match"}
    hit = body["results"][0]
    assert (hit["id"], hit["color"], hit["blurhash"]) == (image_id, "red", "LKO")
    assert hit["renditions"]["thumb"]["url"] == f"https://cdn.test/r/{image_id}/thumb.webp"


def test_signed_in_search_is_not_publicly_cached(api: Api) -> None:
    response = api.client.http.get("/search?q=fox", headers=ALICE)
    assert response.headers["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("per_page=0", "invalid_per_page"),
        ("per_page=10000", "invalid_per_page"),
        ("q=" + "x" * 300, "query_too_long"),
        ("cursor=forged", "invalid_cursor"),
        ("q=date:31-02-2020", "invalid_date"),
    ],
)
def test_search_refuses_bad_input_with_a_code(api: Api, query: str, code: str) -> None:
    assert _error(api.client.http.get(f"/search?{query}")) == (400, code)


def test_engine_syntax_is_only_words(api: Api) -> None:
    for q in ("title:* OR _exists_:owner", "/.*/", "*a", '"unbalanced'):
        response = api.client.http.get(f"/search?q={q}")
        assert response.status_code == 200, q
        reached = api.deps.search_index().queries[-1]  # what the engine was asked
        assert all(word.isalnum() for word in reached.words), (q, reached.words)
        assert reached.tags == () and reached.owner is None


def test_suggest_lists_tag_completions(api: Api) -> None:
    _indexed(api)
    body = json.loads(api.client.http.get("/suggest?q=fo").body)
    assert body == {"suggestions": ["fox"]}


class _Directory:
    """Records which token asked; answers with a fixed name."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.asked: list[str] = []

    def display_name(self, access_token: str) -> str:
        self.asked.append(access_token)
        return self.name


def test_the_uploaders_chosen_name_is_the_images_credit(api: Api) -> None:
    from chalicelib import bootstrap

    # GIVEN a directory that knows alice as "Alice Liddell"
    directory = _Directory("Alice Liddell")
    bootstrap.services().directory = directory
    # WHEN she asks to upload
    image_id = json.loads(_post(api, UPLOAD, ALICE).body)["image_id"]
    # THEN her own token was used to look her up, and the image credits her chosen name
    assert directory.asked == [ALICE["Authorization"].removeprefix("Bearer ")]
    assert api.deps.repo.get(image_id).owner_name == "Alice Liddell"  # type: ignore[union-attr]


def _profile(api: Api, headers: dict[str, str], body: object | None = None):  # type: ignore[no-untyped-def]
    if body is None:
        return api.client.http.get("/me/profile", headers=headers)
    sent = {**headers, "Content-Type": "application/json"}
    return api.client.http.put("/me/profile", headers=sent, body=json.dumps(body))


def test_a_public_name_is_claimed_once_and_credits_later_uploads(api: Api) -> None:
    # GIVEN alice claims her public name
    claimed = _profile(api, ALICE, {"display_name": "Alice  Liddell"})
    assert claimed.status_code == 200
    assert json.loads(claimed.body) == {"display_name": "Alice Liddell", "claimed": True}
    assert json.loads(_profile(api, ALICE).body) == {"display_name": "Alice Liddell",
                                                     "claimed": True}
    # WHEN mallory tries her exact name, in look-alike letters, or a reserved one
    assert _error(_profile(api, MALLORY, {"display_name": "alice liddell"})) == \
        (409, "display_name_taken")
    assert _error(_profile(api, MALLORY, {"display_name": "\u0410dmin team"})) == \
        (400, "display_name_reserved")
    assert _error(_profile(api, MALLORY, {"name": "x"})) == (400, "invalid_display_name")
    assert _error(_profile(api, {}))[0] == 401
    # THEN alice's next upload carries her name, mallory's the neutral one
    image_id = json.loads(_post(api, UPLOAD, ALICE).body)["image_id"]
    assert api.deps.repo.get(image_id).owner_name == "Alice Liddell"  # type: ignore[union-attr]
    other = json.loads(_post(api, UPLOAD, MALLORY).body)["image_id"]
    assert api.deps.repo.get(other).owner_name == "mallory"  # type: ignore[union-attr]

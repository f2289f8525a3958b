"""GET /images/{id}/download and DELETE ?reason= through chalice.test.Client: shapes and codes."""

from __future__ import annotations

import json

import pytest

from chalicelib.domain.model import Facts, Original, Rendition
from tests.api.conftest import Api
from tests.api.test_api import ADMIN, ALICE, MALLORY, UPLOAD, _error, _post


def _ready(api: Api) -> str:
    image_id = json.loads(_post(api, UPLOAD, ALICE).body)["image_id"]
    repo = api.deps.repo
    repo.start_processing(image_id, "t")
    original = Original(f"originals/{image_id}", "v1", 2048, "ab" * 32, "image/jpeg")
    repo.record_facts(image_id, Facts(3000, 2000, "landscape", "jpeg", 2048), ["thumb", "full"],
                      "t", original)
    repo.add_renditions(image_id, [
        Rendition("thumb", f"{image_id}/thumb.webp", 200, 133, "webp", 7),
        Rendition("full", f"full/{image_id}.jpg", 3000, 2000, "jpeg", 900),
    ], "t")
    repo.finish(image_id, "t")
    return image_id


def test_a_download_answers_its_link_and_credit_and_is_never_cached(api: Api) -> None:
    image_id = _ready(api)
    answer = api.client.http.get(f"/images/{image_id}/download")
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    body = json.loads(answer.body)
    assert set(body) == {"url", "expires_in", "filename", "width", "height", "bytes", "format",
                         "attribution", "downloads"}
    assert (body["width"], body["height"], body["format"], body["downloads"]) == (
        3000, 2000, "jpeg", 1)
    assert body["filename"] == f"beach-{image_id}.jpg"
    # AND the image shows the count, lists its sizes, and never a public URL for full
    image = json.loads(api.client.http.get(f"/images/{image_id}").body)
    assert image["downloads"] == 1 and "full" not in image["renditions"]
    assert [s["size"] for s in image["download_sizes"]] == ["full", "thumb"]


@pytest.mark.parametrize(
    ("query", "headers", "expected"),
    [
        ("?size=poster", {}, (400, "invalid_size")),
        ("?size=original", {}, (403, "not_owner")),
        ("?size=original", MALLORY, (403, "not_owner")),
    ],
)
def test_refusals_are_codes_in_our_shape(api: Api, query: str, headers: dict, expected: tuple
                                         ) -> None:  # type: ignore[type-arg]
    image_id = _ready(api)
    answer = api.client.http.get(f"/images/{image_id}/download{query}", headers=headers)
    assert _error(answer) == expected
    assert api.deps.repo.get(image_id).downloads == 0


def test_the_owner_downloads_the_original_and_unknown_images_are_404(api: Api) -> None:
    image_id = _ready(api)
    mine = api.client.http.get(f"/images/{image_id}/download?size=original", headers=ALICE)
    assert mine.status_code == 200 and "versionId=v1" in json.loads(mine.body)["url"]
    assert _error(api.client.http.get(f"/images/{'f' * 32}/download"))[0] == 404
    assert _error(api.client.http.get("/images/not-an-id/download"))[0] == 404


def test_an_admins_delete_keeps_its_reason_and_a_bad_reason_is_400(api: Api) -> None:
    image_id = _ready(api)
    bad = api.client.http.delete(f"/images/{image_id}?reason=boredom", headers=ADMIN)
    assert _error(bad) == (400, "invalid_reason")
    owner_reason = api.client.http.delete(f"/images/{image_id}?reason=copyright", headers=ALICE)
    assert _error(owner_reason) == (403, "reason_for_admins")
    done = api.client.http.delete(f"/images/{image_id}?reason=copyright", headers=ADMIN)
    assert done.status_code == 204
    tombstone = api.deps.repo.get(image_id)
    assert (tombstone.status.value, tombstone.reason) == ("deleted", "copyright")
    assert api.deps.cdn.invalidated == [f"/renditions/{image_id}/*"]

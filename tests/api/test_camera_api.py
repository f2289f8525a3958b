"""Camera facts in the API: on GET /images/{id}, and `camera:` / `camera=` with a `camera`
facet on GET /search."""

from __future__ import annotations

import json
from dataclasses import replace

from chalicelib.domain.camera import Camera
from chalicelib.domain.model import Facts, Rendition
from chalicelib.domain.search import Change
from tests.api.conftest import Api
from tests.api.test_api import ALICE, UPLOAD, _post
from tests.fakes import search_doc

CAMERA = Camera("Canon", "Canon EOS 5D Mark IV", "EF24-70mm f/2.8L II USM", 50.0, 2.8, "1/200",
                0.005, 400, "2024-05-12T14:30:05")


def _ready_with(api: Api, camera: Camera | None) -> str:
    image_id = json.loads(_post(api, UPLOAD, ALICE).body)["image_id"]
    repo = api.deps.repo
    repo.start_processing(image_id, "t")
    facts = Facts(640, 480, "landscape", "jpeg", 1234, camera=camera)
    assert repo.record_facts(image_id, facts, ["thumb"], "t")
    repo.add_renditions(
        image_id, [Rendition("thumb", f"{image_id}/thumb.webp", 200, 150, "webp", 7)], "t"
    )
    repo.finish(image_id, "t")
    return image_id


def test_an_images_camera_facts_are_served_as_numbers_and_text(api: Api) -> None:
    image_id = _ready_with(api, CAMERA)
    body = json.loads(api.client.http.get(f"/images/{image_id}").body)
    assert body["camera"] == {
        "make": "Canon", "model": "Canon EOS 5D Mark IV", "lens": "EF24-70mm f/2.8L II USM",
        "focal_mm": 50.0, "f_number": 2.8, "exposure": "1/200", "exposure_s": 0.005,
        "iso": 400, "taken_at": "2024-05-12T14:30:05",
    }


def test_an_image_without_exif_has_no_camera(api: Api) -> None:
    image_id = _ready_with(api, None)
    assert json.loads(api.client.http.get(f"/images/{image_id}").body)["camera"] is None


def test_search_filters_on_camera_and_counts_the_camera_facet(api: Api) -> None:
    docs = [replace(search_doc(1), camera="Canon EOS 5D Mark IV"),
            replace(search_doc(2), camera="NIKON D850"), search_doc(3)]
    api.deps.search_index().apply([Change(d.image_id, d.version, d) for d in docs])
    every = json.loads(api.client.http.get("/search").body)
    assert {f["value"]: f["count"] for f in every["facets"]["camera"]} == {
        "Canon EOS 5D Mark IV": 1, "NIKON D850": 1}
    quoted = json.loads(api.client.http.get('/search?q=camera%3A%22eos%205d%22').body)
    assert [hit["id"] for hit in quoted["results"]] == [docs[0].image_id]
    faceted = json.loads(api.client.http.get("/search?camera=NIKON%20D850").body)
    assert [hit["id"] for hit in faceted["results"]] == [docs[1].image_id]


def test_a_camera_parameter_past_the_query_length_is_400(api: Api) -> None:
    response = api.client.http.get("/search?camera=" + "a" * 300)
    assert response.status_code == 400
    assert "error" in json.loads(response.body)

"""The whole pipeline in one process: grant -> S3 -> ingest -> render -> ready (moto, libvips)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from chalice.test import Client

from tests.images import factory
from tests.integration.conftest import Stack
from tests.support.tokens import bearer

ALICE = bearer("sub-alice", "alice", "contributors")
LEAKS = (
    b"Exif",
    b"SECRET-GPS-MARKER",
    b"http://ns.adobe.com/xap",
    b"Photoshop",
    b"PK\x03\x04",
    b"<html",
    b"<script",
)


@pytest.fixture
def client(stack: Stack) -> Iterator[Client]:
    from app import app

    with Client(app) as test_client:
        yield test_client


def _upload(stack: Stack, client: Client, data: bytes, content_type: str = "image/jpeg") -> str:
    body = {"filename": "photo", "content_type": content_type, "size": len(data), "title": "t"}
    grant = json.loads(client.http.post("/uploads", headers=ALICE, body=json.dumps(body)).body)
    fields = grant["upload"]["fields"]
    stack.s3.put_object(
        Bucket=stack.services.settings.uploads_bucket,
        Key=fields["key"],
        Body=data,
        ContentType=content_type,
    )
    return str(grant["image_id"])


def _drive(stack: Stack, client: Client) -> None:
    """Play the event-source mappings until both queues are empty."""
    stack.play(client.lambda_)


def _image(client: Client, image_id: str) -> dict[str, Any]:
    return json.loads(client.http.get(f"/images/{image_id}", headers=ALICE).body)


def _rendition(stack: Stack, image: dict[str, Any], name: str) -> bytes:
    key = image["renditions"][name]["url"].split("/renditions/", 1)[1]
    bucket = stack.services.settings.renditions_bucket
    return bytes(stack.s3.get_object(Bucket=bucket, Key=key)["Body"].read())


def _masters(stack: Stack, image_id: str) -> int:
    """How many stored masters the image has."""
    listing = stack.s3.list_objects_v2(
        Bucket=stack.services.settings.uploads_bucket, Prefix=f"masters/{image_id}"
    )
    return int(listing.get("KeyCount", 0))


def _process(
    stack: Stack, client: Client, data: bytes, content_type: str = "image/jpeg"
) -> dict[str, Any]:
    image_id = _upload(stack, client, data, content_type)
    _drive(stack, client)
    return _image(client, image_id)


def test_a_photo_becomes_ready_with_every_rendition_never_upscaled(
    stack: Stack, client: Client
) -> None:
    image = _process(stack, client, factory.photo(1600, 1200))
    assert image["status"] == "ready"
    assert (image["width"], image["height"], image["orientation"], image["format"]) == (
        1600,
        1200,
        "landscape",
        "jpeg",
    )
    sizes = {n: (r["width"], r["height"], r["format"]) for n, r in image["renditions"].items()}
    assert sizes == {
        "thumb": (200, 150, "webp"),
        "small": (400, 300, "webp"),
        "regular": (1080, 810, "webp"),
        "large": (1600, 1200, "webp"),
    }
    thumb = _rendition(stack, image, "thumb")
    assert thumb[:4] == b"RIFF" and thumb[8:12] == b"WEBP"
    assert image["renditions"]["thumb"]["bytes"] == len(thumb)
    # the 1600x1200 "large" was rendered from a stored master, which went once ready
    assert _masters(stack, image["id"]) == 0


def _quadrants(data: bytes) -> list[list[float]]:
    import pyvips

    picture = pyvips.Image.new_from_buffer(data, "")
    w, h = picture.width, picture.height
    points = [
        (w // 4, h // 4),
        (3 * w // 4, h // 4),
        (w // 4, 3 * h // 4),
        (3 * w // 4, 3 * h // 4),
    ]
    return [picture.getpoint(x, y)[:3] for x, y in points]


def _is(colour: list[float], rgb: tuple[int, int, int]) -> bool:
    return all(abs(c - e) < 60 for c, e in zip(colour, rgb, strict=True))


def test_a_small_photo_gets_every_public_size_from_ingest_alone_with_no_master_stored(
    stack: Stack, client: Client
) -> None:
    # GIVEN an 800x600 photo: every default rendition is under ingest's inline limit
    image_id = _upload(stack, client, factory.photo(800, 600))
    # WHEN only the ingest function runs
    for record in stack.drain(stack.ingest_queue_url):
        client.lambda_.invoke("ingest", {"Records": [record]})
    # THEN all four public renditions are there, only the full-size download waits on the
    # render queue (it is cut from the kept original), and no master was written
    image = _image(client, image_id)
    assert image["status"] == "processing" and len(image["renditions"]) == 4
    waiting = [json.loads(r["body"]) for r in stack.drain(stack.render_queue_url)]
    assert waiting == [{"image_id": image_id, "rendition": "full"}]
    assert _masters(stack, image_id) == 0


@pytest.mark.parametrize("orientation", range(9))
def test_every_exif_orientation_comes_out_upright(
    stack: Stack, client: Client, orientation: int
) -> None:
    image = _process(stack, client, factory.oriented_jpeg(orientation))
    assert image["status"] == "ready"
    assert (image["width"], image["height"], image["orientation"]) == (300, 200, "landscape")
    quadrants = _quadrants(_rendition(stack, image, "small"))
    assert _is(quadrants[0], (255, 0, 0)), quadrants


def test_metadata_and_appended_payloads_never_reach_a_rendition(
    stack: Stack, client: Client
) -> None:
    for data in (
        factory.jpeg_with_metadata(),
        factory.jpeg_zip_polyglot(),
        factory.jpeg_html_polyglot(),
    ):
        image = _process(stack, client, data)
        assert image["status"] == "ready"
        for name in image["renditions"]:
            rendition = _rendition(stack, image, name)
            assert not [leak for leak in LEAKS if leak in rendition], name


def test_cmyk_comes_out_red_not_inverted(stack: Stack, client: Client) -> None:
    for data in (factory.cmyk_jpeg(), factory.cmyk_jpeg(tagged=True)):
        image = _process(stack, client, data)
        assert image["status"] == "ready"
        for red, green, blue in _quadrants(_rendition(stack, image, "thumb")):
            assert red > 180 and green < 90 and blue < 90, (red, green, blue)


@pytest.mark.parametrize(
    ("make", "content_type", "bands"),
    [
        (factory.png16, "image/png", 3),
        (factory.grey16_png, "image/png", 3),
        (factory.palette_png_with_transparency, "image/png", 4),
        (factory.rgba_png, "image/png", 4),
        (factory.rgba_webp, "image/webp", 4),
    ],
)
def test_deep_palette_and_alpha_images_become_8bit_srgb(
    stack: Stack, client: Client, make: Callable[[], bytes], content_type: str, bands: int
) -> None:
    import pyvips

    image = _process(stack, client, make(), content_type)
    assert image["status"] == "ready"
    rendition = pyvips.Image.new_from_buffer(_rendition(stack, image, "thumb"), "")
    assert rendition.format == "uchar" and rendition.bands == bands


@pytest.mark.parametrize(
    ("make", "content_type", "reason"),
    [
        (factory.html, "image/jpeg", "not_an_image"),
        (factory.javascript, "image/png", "not_an_image"),
        (factory.zip_file, "image/jpeg", "not_an_image"),
        (factory.pdf, "image/jpeg", "not_an_image"),
        (factory.elf, "image/png", "not_an_image"),
        (factory.svg_with_script, "image/png", "unsupported_format"),
        (factory.gif, "image/jpeg", "unsupported_format"),
        (factory.bmp, "image/jpeg", "unsupported_format"),
        (factory.tiff, "image/jpeg", "unsupported_format"),
        (lambda: factory.png_bomb(20000, 20000), "image/png", "too_many_pixels"),
        (lambda: factory.jpeg_bomb(40000, 40000), "image/jpeg", "too_many_pixels"),
        (lambda: factory.strip_png(1, 100_000), "image/png", "too_many_pixels"),
        (lambda: factory.truncated(factory.photo(800, 600), 0.5), "image/jpeg", "corrupt_image"),
        (
            lambda: factory.truncated(factory.photo(800, 600, fmt="png"), 0.6),
            "image/png",
            "corrupt_image",
        ),
        (factory.png_bad_idat, "image/png", "corrupt_image"),
        (lambda: factory.jpeg_bomb(2000, 1500), "image/jpeg", "corrupt_image"),
        (factory.png_bad_ihdr_crc, "image/png", "corrupt_image"),
        (factory.apng, "image/png", "animated_not_supported"),
        (factory.animated_webp, "image/webp", "animated_not_supported"),
    ],
)
def test_hostile_and_broken_files_are_rejected_with_a_reason(
    stack: Stack, client: Client, make: Callable[[], bytes], content_type: str, reason: str
) -> None:
    image = _process(stack, client, make(), content_type)
    assert (image["status"], image.get("reason")) == ("rejected", reason)
    assert image["renditions"] == {}
    # the refused bytes are not kept: no version of the upload is left
    listing = stack.s3.list_object_versions(
        Bucket=stack.services.settings.uploads_bucket, Prefix=f"uploads/{image['id']}"
    )
    assert listing.get("Versions", []) == []


@pytest.mark.parametrize(
    "make",
    [
        factory.jpeg_with_extraneous_bytes,
        factory.jpeg_with_fill_bytes,
        factory.jpeg_with_odd_app_markers,
        factory.jpeg_with_bad_exif,
        factory.grey_jpeg,
    ],
)
def test_quirky_but_valid_files_are_not_falsely_rejected(
    stack: Stack, client: Client, make: Callable[[], bytes]
) -> None:
    assert _process(stack, client, make())["status"] == "ready"


def test_a_png_declared_as_jpeg_is_recorded_as_png(stack: Stack, client: Client) -> None:
    image = _process(stack, client, factory.photo(300, 300, fmt="png"), "image/jpeg")
    assert (image["status"], image["format"], image["orientation"]) == ("ready", "png", "square")


def test_a_duplicate_s3_event_changes_nothing(stack: Stack, client: Client) -> None:
    image_id = _upload(stack, client, factory.photo(640, 480))
    notification = stack.drain(stack.ingest_queue_url)
    for record in notification + notification:
        client.lambda_.invoke("ingest", {"Records": [record]})
    _drive(stack, client)
    before = _image(client, image_id)
    client.lambda_.invoke("ingest", {"Records": notification})
    _drive(stack, client)
    after = _image(client, image_id)
    assert before["status"] == "ready" and after == before
    keys = stack.s3.list_objects_v2(
        Bucket=stack.services.settings.renditions_bucket, Prefix=f"{image_id}/"
    )["KeyCount"]
    assert keys == 4


def test_an_upload_bigger_than_declared_is_too_large(stack: Stack, client: Client) -> None:
    small = factory.photo(64, 64)
    body = {"filename": "p.jpg", "content_type": "image/jpeg", "size": len(small)}
    grant = json.loads(client.http.post("/uploads", headers=ALICE, body=json.dumps(body)).body)
    stack.s3.put_object(
        Bucket=stack.services.settings.uploads_bucket,
        Key=grant["upload"]["fields"]["key"],
        Body=factory.photo(900, 900),
    )
    _drive(stack, client)
    image = _image(client, grant["image_id"])
    assert (image["status"], image["reason"]) == ("rejected", "too_large")


def test_delete_removes_original_master_renditions_and_record(stack: Stack, client: Client) -> None:
    image = _process(stack, client, factory.photo(500, 400))
    response = client.http.delete(f"/images/{image['id']}", headers=ALICE)
    assert response.status_code == 204
    settings = stack.services.settings
    for bucket in (settings.uploads_bucket, settings.renditions_bucket):
        listed = stack.s3.list_objects_v2(Bucket=bucket)
        assert not [o for o in listed.get("Contents", []) if image["id"] in o["Key"]]
    assert client.http.get(f"/images/{image['id']}", headers=ALICE).status_code == 404


def test_ids_we_never_issue_are_plain_404s_not_dynamodb_errors(client: Client) -> None:
    for image_id in ("x" * 5000, "ABCDEF", "0" * 31):
        response = client.http.get(f"/images/{image_id}")
        assert response.status_code == 404
        assert json.loads(response.body)["error"]["code"] == "image_not_found"


def test_renders_racing_on_one_image_make_it_ready_exactly_once(
    stack: Stack, client: Client
) -> None:
    from concurrent.futures import ThreadPoolExecutor
    from dataclasses import replace

    from chalicelib.domain.outcomes import Outcome, Result
    from chalicelib.domain.renditions import RenditionSpec
    from chalicelib.ports import RenderTask, UploadedObject
    from chalicelib.services import ingest, render

    # GIVEN a profile of two renditions too big for ingest to cut itself, so both fan out
    big = (RenditionSpec("wide", 1600), RenditionSpec("large", 2048))
    deps = replace(stack.services.deps, profile=big)
    image_id = _upload(stack, client, factory.photo(3000, 2000))
    stack.drain(stack.ingest_queue_url)
    upload = UploadedObject(f"uploads/{image_id}")
    assert ingest.ingest_object(deps, upload) == Result(Outcome.FANNED_OUT)
    assert _masters(stack, image_id) == 1  # what the render invocations read
    tasks = [json.loads(r["body"]) for r in stack.drain(stack.render_queue_url)]
    # WHEN both render invocations finish at the same moment
    # (one task per rendition: in-process moto's S3 is not safe for concurrent PUTs of one key)
    racing = [RenderTask(t["image_id"], t["rendition"]) for t in tasks]
    assert len(racing) == 3  # wide, large and the full-size download
    with ThreadPoolExecutor(max_workers=len(racing)) as pool:
        outcomes = list(pool.map(lambda task: render.render_one(deps, task), racing))
    # THEN exactly one of them marks the image ready
    assert outcomes.count(Result(Outcome.READY)) == 1, outcomes
    image = _image(client, image_id)
    assert image["status"] == "ready" and set(image["renditions"]) == {"wide", "large"}
    assert [s["size"] for s in image["download_sizes"]] == ["full", "large", "wide"]
    assert _masters(stack, image_id) == 0  # and it went once the image was ready

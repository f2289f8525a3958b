"""Camera facts through the whole pipeline (moto, libvips): known EXIF in, the normalised facts
on the image, nothing private stored, served or published; bad EXIF never stops a photo."""

from __future__ import annotations

import json

import boto3
import pytest
from chalice.test import Client

from tests.images import camera, quirks
from tests.integration.conftest import Stack
from tests.integration.test_pipeline import _process, _rendition, client  # noqa: F401


def test_a_photo_with_camera_exif_is_ready_with_its_facts_and_nothing_private(
    stack: Stack, client: Client,  # noqa: F811
) -> None:
    image = _process(stack, client, camera.camera_jpeg(1600, 1200))
    assert image["status"] == "ready"
    assert image["camera"] == camera.EXPECTED
    # Nothing private in any stored item, the answer, or any published file.
    dynamodb = boto3.client("dynamodb")
    stored = [item for name in dynamodb.list_tables()["TableNames"]
              for item in dynamodb.scan(TableName=name)["Items"]]
    mine = [item for item in stored if item.get("image_id") == {"S": image["id"]}]
    assert [item["camera"]["M"]["model"] for item in mine] == [{"S": "Canon EOS 5D Mark IV"}]
    for text in (json.dumps(stored).encode(), json.dumps(image).encode()):
        assert not [m for m in camera.PRIVATE_MARKERS if m in text]
    for name in image["renditions"]:
        published = _rendition(stack, image, name)
        assert not [m for m in (*camera.PRIVATE_MARKERS, b"Exif", b"Canon") if m in published]


# Two kinds here (every kind is read by libvips in tests/integration/imaging/test_vips_exif.py):
# a whole pipeline run costs seconds.
@pytest.mark.parametrize("kind", ["loop", "garbage"])
def test_a_photo_with_hostile_exif_is_ready_with_no_camera(
    stack: Stack, client: Client, kind: str,  # noqa: F811
) -> None:
    image = _process(stack, client, quirks.jpeg_with_bad_exif(kind))
    assert (image["status"], image["camera"]) == ("ready", None)

"""Stream decoding: DynamoDB's item format, as the indexer receives it, back into Images."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from chalicelib.adapters.dynamodb.stream import image_from_stream
from chalicelib.domain.camera import Camera
from chalicelib.domain.model import Facts, Rendition, Status

PAYLOADS = Path(__file__).resolve().parents[2] / "payloads"
IMAGE_ID = "c" * 32


def _change(name: str) -> dict[str, Any]:
    text = (PAYLOADS / f"{name}.json").read_text().replace("IMAGE_ID", IMAGE_ID)
    change: dict[str, Any] = json.loads(text)["Records"][0]["dynamodb"]
    return change


def test_a_ready_image_decodes_with_its_facts_and_renditions() -> None:
    image = image_from_stream(_change("dynamodb_stream_ready")["NewImage"])
    assert (image.image_id, image.status, image.version) == (IMAGE_ID, Status.READY, 5)
    assert (image.title, image.tags, image.expected) == (
        "Running foxes", ("fox", "wildlife"), ("thumb",),
    )
    assert image.facts == Facts(
        4000, 3000, "landscape", "jpeg", 5123456, "orange", "#c8742c",
        "LGF5?xYk^6#M@-5c,1J5@[or[Q6.",
    )
    thumb = Rendition("thumb", f"{IMAGE_ID}/thumb.webp", 200, 150, "webp", 8123)
    assert image.renditions == {"thumb": thumb}


def test_an_image_before_ingest_decodes_without_facts() -> None:
    image = image_from_stream(_change("dynamodb_stream_ready")["OldImage"])
    assert (image.status, image.version, image.facts, image.renditions) == (
        Status.PROCESSING, 4, None, {},
    )


def test_attributes_an_old_item_lacks_decode_as_empty() -> None:
    image = image_from_stream(_change("dynamodb_stream_remove")["OldImage"])
    assert (image.description, image.tags, image.expected, image.reason) == ("", (), (), None)
    assert image.facts == Facts(4000, 3000, "landscape", "jpeg", 5123456)


def test_a_camera_map_decodes_with_its_numbers_as_numbers() -> None:
    raw = _change("dynamodb_stream_ready")["NewImage"]
    raw["camera"] = {"M": {
        "make": {"S": "Canon"}, "model": {"S": "Canon EOS 5D Mark IV"},
        "focal_mm": {"N": "50"}, "f_number": {"N": "2.8"}, "exposure": {"S": "1/200"},
        "exposure_s": {"N": "0.005"}, "iso": {"N": "400"},
        "taken_at": {"S": "2024-05-12T14:30:05"},
    }}
    facts = image_from_stream(raw).facts
    assert facts is not None and facts.camera == Camera(
        "Canon", "Canon EOS 5D Mark IV", "", 50.0, 2.8, "1/200", 0.005, 400,
        "2024-05-12T14:30:05")
    assert isinstance(facts.camera.iso, int) and isinstance(facts.camera.focal_mm, float)


def test_a_flip_s_retiring_keys_decode_and_an_old_item_has_none() -> None:
    raw = dict(_change("dynamodb_stream_ready")["NewImage"])
    raw["retiring"] = {"L": [{"S": f"{IMAGE_ID}/v1/thumb.webp"}]}
    raw["retiring_since"] = {"S": "2026-12-07T10:00:00.000000Z"}
    image = image_from_stream(raw)
    assert image.retiring == (f"{IMAGE_ID}/v1/thumb.webp",)
    assert image.retiring_since == "2026-12-07T10:00:00.000000Z"
    old = image_from_stream(_change("dynamodb_stream_ready")["NewImage"])
    assert (old.retiring, old.retiring_since) == ((), "")

"""Stream decoding: DynamoDB's item format, as the indexer receives it, back into Images."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from chalicelib.adapters.dynamodb.stream import image_from_stream
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

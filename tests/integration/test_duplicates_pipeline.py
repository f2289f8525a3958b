"""Duplicates through the real pipeline on moto and pyvips: the same contributor's photo again
(resized, recompressed) is rejected `duplicate`; another contributor's copy (as PNG) waits for
review; a different picture goes through; a real photo cropped 3% off every border, or 5% of its
width off one edge, is rejected `duplicate` too."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import pyvips
from chalice.test import Client

from tests.images import pictures
from tests.integration.conftest import Stack
from tests.support.tokens import bearer

ALICE = bearer("sub-alice", "alice", "contributors")
BOB = bearer("sub-bob", "bob", "contributors")
SAMPLES = Path(__file__).resolve().parents[2] / "infra" / "local" / "samples"
PHOTO = SAMPLES / "espresso-cup.jpg"
OTHER = SAMPLES / "falcon-9-dscovr-launch.jpg"


@pytest.fixture(autouse=True)
def _duplicate_check_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """Before the stack is built (autouse fixtures come first): this suite tests the check."""
    monkeypatch.setenv("TEST_DUPLICATE_CHECK", "on")


@pytest.fixture
def client(stack: Stack) -> Iterator[Client]:
    from app import app

    with Client(app) as test_client:
        yield test_client


def _process(stack: Stack, client: Client, who: dict[str, str], data: bytes,
             content_type: str = "image/jpeg") -> dict[str, Any]:
    body = {"filename": "photo", "content_type": content_type, "size": len(data), "title": "t"}
    grant = json.loads(client.http.post("/uploads", headers=who, body=json.dumps(body)).body)
    stack.s3.put_object(Bucket=stack.services.settings.uploads_bucket,
                        Key=grant["upload"]["fields"]["key"], Body=data, ContentType=content_type)
    stack.play(client.lambda_)  # the event-source mappings, until both queues are empty
    shown = client.http.get(f"/images/{grant['image_id']}", headers=who)
    return dict(json.loads(shown.body))


def test_copies_are_caught_by_owner_and_a_different_picture_is_not(
    stack: Stack, client: Client
) -> None:
    first = _process(stack, client, ALICE, pictures.photo(640, 480))
    assert first["status"] == "ready"
    # WHEN Alice uploads it again, smaller and recompressed
    again = _process(stack, client, ALICE, pictures.photo(480, 360, quality=70))
    # THEN rejected as her duplicate, naming the first, with no rendition cut
    assert (again["status"], again["reason"], again["duplicate_of"]) == (
        "rejected", "duplicate", first["id"])
    assert again["renditions"] == {}
    # WHEN Bob uploads it converted to PNG THEN it waits for review, naming Alice's
    copied = _process(stack, client, BOB, pictures.photo(640, 480, fmt="png"), "image/png")
    assert copied["status"] == "in_review"
    held = stack.services.deps.repo.get(copied["id"])
    assert held.possible_duplicate_of == first["id"]
    # AND a different picture of Alice's goes through
    other = _process(stack, client, ALICE, pictures.encode(pictures.upright_quadrants(), "jpeg"))
    assert other["status"] == "ready" and "duplicate_of" not in other


def _cropped(left: float, top: float, right: float, bottom: float) -> bytes:
    """The photo with those fractions of its width and height cut off each edge, as JPEG."""
    image: Any = pyvips.Image.new_from_file(str(PHOTO))
    x0, y0 = round(image.width * left), round(image.height * top)
    x1, y1 = image.width - round(image.width * right), image.height - round(image.height * bottom)
    return bytes(image.crop(x0, y0, x1 - x0, y1 - y0).jpegsave_buffer(Q=90, keep="none"))


def test_small_crops_of_the_owners_photo_are_rejected_and_another_photo_is_not(
    stack: Stack, client: Client
) -> None:
    first = _process(stack, client, ALICE, PHOTO.read_bytes())
    assert first["status"] == "ready"
    # WHEN Alice uploads it again cropped 3% off every border
    border = _process(stack, client, ALICE, _cropped(0.03, 0.03, 0.03, 0.03))
    # THEN rejected as her duplicate, naming the first
    assert (border["status"], border["reason"], border["duplicate_of"]) == (
        "rejected", "duplicate", first["id"])
    # WHEN she uploads it with 5% of its width cut off the left edge THEN rejected too
    side = _process(stack, client, ALICE, _cropped(0.05, 0.0, 0.0, 0.0))
    assert (side["status"], side["reason"], side["duplicate_of"]) == (
        "rejected", "duplicate", first["id"])
    # AND a different photo of hers goes through
    other = _process(stack, client, ALICE, OTHER.read_bytes())
    assert other["status"] == "ready" and "duplicate_of" not in other

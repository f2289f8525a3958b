"""Crop-tolerant duplicates through the real pipeline on moto and pyvips: a real photo cropped
3% off every border, or 5% of its width off one edge, and re-uploaded by the same contributor is
rejected `duplicate`; a different real photo goes through."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import pyvips
from chalice.test import Client

from tests.integration.conftest import Stack
from tests.integration.test_duplicates_pipeline import ALICE, _process

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

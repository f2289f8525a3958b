"""Small SearchDoc values for the OpenSearch adapter tests."""

from __future__ import annotations

from dataclasses import replace

from chalicelib.domain.model import Rendition
from chalicelib.domain.search import SearchDoc

BASE = SearchDoc(
    image_id="img-0001",
    version=3,
    title="Red fox running in snow",
    description="A fox crossing a snowy field at dawn #winter",
    tags=("fox", "winter", "wildlife"),
    owner="user-sub-1",
    owner_name="Alice",
    created_at="2024-12-24T23:59:59.123456Z",
    width=4000,
    height=3000,
    orientation="landscape",
    color="orange",
    color_hex="#d2691e",
    blurhash="LEHV6nWB2yk8pyo0adR*.7kCMdnj",
    popularity=7,
    renditions={"thumb": Rendition("thumb", "r/img-0001/thumb.webp", 200, 150, "webp", 4321)},
)


def doc(image_id: str = "img-0001", version: int = 3, **changes: object) -> SearchDoc:
    """BASE with another id, version or fields."""
    return replace(BASE, image_id=image_id, version=version, **changes)  # type: ignore[arg-type]

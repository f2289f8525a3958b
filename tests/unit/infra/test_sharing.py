"""The local front's photo pages: preview tags for a ready photo, none otherwise."""

from __future__ import annotations

import json

from infra.local.sharing import Reply, image_page_id, shared_page

PAGE = b"<html><head><title>Stock</title></head><body></body></html>"
ORIGIN = "http://127.0.0.1:8000"


class FakeApi:
    """Answers GET /images/<id> from a dict of images; records the paths asked."""

    def __init__(self, images: dict[str, dict[str, object]]) -> None:
        self.images = images
        self.asked: list[str] = []

    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes | None) -> Reply:
        self.asked.append(path)
        found = self.images.get(path.removeprefix("/images/"))
        if found is None:
            return 404, {}, b'{"error": {"code": "image_not_found", "message": "no"}}'
        return 200, {}, json.dumps(found).encode()


READY = {"status": "ready", "title": "Fox & hen", "description": "",
         "renditions": {"w1280": {"url": "http://127.0.0.1:8000/renditions/k.webp",
                                  "width": 1280, "height": 800}}}


def test_a_ready_photo_page_carries_escaped_tags_with_absolute_urls() -> None:
    api = FakeApi({"abc": READY})
    text = shared_page(api, "/images/abc", ORIGIN, PAGE).decode()
    assert '<meta property="og:title" content="Fox &amp; hen">' in text
    assert f'<meta property="og:url" content="{ORIGIN}/images/abc">' in text
    assert 'content="http://127.0.0.1:8000/renditions/k.webp"' in text
    assert text.index("og:title") < text.index("</head>")


def test_missing_or_unready_photos_and_other_pages_are_served_unchanged() -> None:
    api = FakeApi({"wip": {**READY, "status": "processing"}})
    assert shared_page(api, "/images/nope", ORIGIN, PAGE) == PAGE
    assert shared_page(api, "/images/wip", ORIGIN, PAGE) == PAGE
    assert shared_page(api, "/upload", ORIGIN, PAGE) == PAGE
    assert api.asked == ["/images/nope", "/images/wip"]  # other pages never ask the API


def test_an_odd_id_is_quoted_before_it_reaches_the_api() -> None:
    api = FakeApi({})
    shared_page(api, "/images/a?b#c", ORIGIN, PAGE)
    assert api.asked == ["/images/a%3Fb%23c"]
    assert image_page_id("/images/x/") == "x" and image_page_id("/images/x/y") is None

"""Link previews of a photo's page: the Open Graph and Twitter card tags, escaped."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from chalicelib.entrypoints.http.share_tags import (
    crawler_page,
    preview_rendition,
    share_tags,
    with_share_tags,
)

PAGE = "https://stock.example/images/abc"


def image(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "status": "ready", "title": "Red fox", "description": "A fox in snow.",
        "owner_name": "Ann",
        "renditions": {
            "w320": {"url": "/renditions/abc/w320.webp", "width": 320, "height": 213},
            "w1280": {"url": "/renditions/abc/w1280.webp", "width": 1280, "height": 853},
            "w2048": {"url": "/renditions/abc/w2048.webp", "width": 2048, "height": 1365},
        },
    }
    base.update(fields)
    return base


class Metas(HTMLParser):
    """Every <meta> as a browser or crawler reads it: name or property -> content."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.found: dict[str, str] = {}
        self.others: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag != "meta":
            self.others.append(tag)
            return
        key = values.get("property") or values.get("name") or ""
        self.found[key] = values.get("content") or ""


def test_a_ready_photo_gets_title_description_and_an_absolute_image_url() -> None:
    tags = Metas(share_tags(image(), PAGE)).found
    assert tags["og:title"] == tags["twitter:title"] == "Red fox"
    assert tags["og:description"] == tags["twitter:description"] == "A fox in snow."
    assert tags["og:url"] == PAGE
    expected = "https://stock.example/renditions/abc/w1280.webp"  # smallest 1200 px or wider
    assert tags["og:image"] == tags["twitter:image"] == expected
    assert (tags["og:image:width"], tags["og:image:height"]) == ("1280", "853")
    assert tags["twitter:card"] == "summary_large_image"


def test_hostile_text_stays_text_in_every_attribute() -> None:
    title = '"><script>alert(1)</script><meta name="x" content=\'y'
    text = share_tags(image(title=title, description="a & b < c > d \" e ' f"), PAGE)
    parsed = Metas(text)
    assert parsed.others == []  # no element but the metas: nothing broke out of an attribute
    assert parsed.found["og:title"] == title
    assert parsed.found["og:description"] == "a & b < c > d \" e ' f"
    assert "<script" not in text and "x" not in parsed.found
    assert len(re.findall(r"<meta ", text)) == len(parsed.found)


def test_only_ready_photos_with_a_rendition_get_tags() -> None:
    assert share_tags(image(status="in_review"), PAGE) == ""
    assert share_tags(image(status="rejected"), PAGE) == ""
    assert share_tags(image(renditions={}), PAGE) == ""


def test_no_description_says_whose_photo_and_a_long_one_is_shortened() -> None:
    assert Metas(share_tags(image(description=""), PAGE)).found["og:description"] == (
        "A free photo by Ann.")
    long = Metas(share_tags(image(description="word " * 100), PAGE)).found["og:description"]
    assert len(long) == 200 and long.endswith("…")


def test_a_small_photo_previews_with_its_largest_rendition() -> None:
    small = {"a": {"url": "/a", "width": 320}, "b": {"url": "/b", "width": 640}}
    assert preview_rendition(small) == small["b"]
    assert preview_rendition({}) is None


def test_tags_go_at_the_end_of_the_head_and_nothing_changes_without_them() -> None:
    page = "<html><head><title>x</title></head><body></body></html>"
    assert with_share_tags(page, '<meta name="a" content="b">\n') == (
        '<html><head><title>x</title><meta name="a" content="b">\n</head><body></body></html>')
    assert with_share_tags(page, "") == page


def test_the_crawler_page_escapes_its_title_and_link_and_has_tags_only_when_ready() -> None:
    hostile = image(title="<b>Fox</b> & co")
    page = crawler_page(hostile, 'https://stock.example/images/a"b')
    assert "<title>&lt;b&gt;Fox&lt;/b&gt; &amp; co</title>" in page
    assert 'href="https://stock.example/images/a&quot;b"' in page
    assert "og:title" in page
    bare = crawler_page(None, PAGE)
    assert "og:" not in bare and "<title>Stock images</title>" in bare

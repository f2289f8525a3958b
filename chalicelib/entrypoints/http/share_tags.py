"""Link previews for a photo's page: Open Graph and Twitter card tags for /images/<id>.

Chat and social apps fetch a shared link without running scripts, so the tags must be in the
HTML itself. Built from the photo's public JSON (GET /api/images/<id>), only for a `ready`
photo; every value is HTML-escaped and every URL absolute, as crawlers require.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any
from urllib.parse import urljoin

SITE_NAME = "Stock images"
PREVIEW_WIDTH = 1200  # what the big preview cards show; the smallest rendition at least this wide
DESCRIPTION_CHARS = 200
HEAD_END = "</head>"


def preview_rendition(renditions: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The smallest rendition at least PREVIEW_WIDTH wide, else the largest there is."""
    found = sorted(
        (r for r in renditions.values() if isinstance(r, Mapping) and r.get("url")),
        key=lambda r: int(r.get("width") or 0),
    )
    wide = [r for r in found if int(r.get("width") or 0) >= PREVIEW_WIDTH]
    return wide[0] if wide else (found[-1] if found else None)


def _summary(image: Mapping[str, Any]) -> str:
    text = " ".join(str(image.get("description") or "").split())
    if not text:
        owner = image.get("owner_name")
        text = f"A free photo by {owner}." if owner else "A free photo."
    return text if len(text) <= DESCRIPTION_CHARS else text[: DESCRIPTION_CHARS - 1] + "…"


def share_tags(image: Mapping[str, Any], page_url: str) -> str:
    """The <meta> tags previewing `image` (its API JSON) at `page_url`; "" unless ready."""
    rendition = preview_rendition(image.get("renditions") or {})
    if image.get("status") != "ready" or rendition is None:
        return ""
    title = str(image.get("title") or "Untitled photo")
    pairs = [
        ("property", "og:type", "article"),
        ("property", "og:site_name", SITE_NAME),
        ("property", "og:title", title),
        ("property", "og:description", _summary(image)),
        ("property", "og:url", page_url),
        ("property", "og:image", urljoin(page_url, str(rendition["url"]))),
        ("property", "og:image:width", str(rendition.get("width") or "")),
        ("property", "og:image:height", str(rendition.get("height") or "")),
        ("property", "og:image:alt", title),
        ("name", "twitter:card", "summary_large_image"),
        ("name", "twitter:title", title),
        ("name", "twitter:description", _summary(image)),
        ("name", "twitter:image", urljoin(page_url, str(rendition["url"]))),
        ("name", "description", _summary(image)),
    ]
    return "".join(
        f'<meta {kind}="{name}" content="{escape(value, quote=True)}">\n'
        for kind, name, value in pairs
        if value
    )


def with_share_tags(page: str, tags: str) -> str:
    """`page` (index.html) with `tags` at the end of its head; unchanged when there are none."""
    if not tags or HEAD_END not in page:
        return page
    at = page.index(HEAD_END)
    return page[:at] + tags + page[at:]


def crawler_page(image: Mapping[str, Any] | None, page_url: str) -> str:
    """A small HTML page for link-preview crawlers: the tags, a title and a link to the photo's
    page (people get the web app itself); no tags when `image` is None or not ready."""
    tags = share_tags(image, page_url) if image is not None else ""
    title = str(image.get("title") or "Untitled photo") if tags and image else SITE_NAME
    link = escape(page_url, quote=True)
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n{tags}</head>\n"
        f'<body><p><a href="{link}">{escape(title)}</a></p></body></html>\n'
    )

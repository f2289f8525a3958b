"""Issue 19 items 1, 6 and 7 in Chromium, desktop and phone: back and reload return to the same
results and scroll position; most-words, bad-filter and too-long messages; a contributor's
page; a not-found photo; link previews of a photo's page."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from tests.e2e.conftest import LocalStack
from tests.e2e.test_local_stack import _wait_terminal
from tests.e2e.web.conftest import DESKTOP, PHONE, Browsing, new_name
from tests.images import factory

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.browser]

PHOTOS = 10  # wide panoramas: one or two a row, so a few photos make a tall page
PAGE_SIZE = 2  # config.json's searchPageSize for these tests: 5 pages of results
SCROLL_TOLERANCE = 40  # px


@dataclass(frozen=True)
class Gallery:
    """The photos these tests browse: one tag, one contributor with a public name."""

    tag: str
    owner: str
    owner_name: str
    image_id: str


def _upload(stack: LocalStack, token: str, n: int, tag: str) -> str:
    data = factory.fresh_photo(840 + 30 * (n % 3), 280)
    body = {"filename": f"h{n}.jpg", "content_type": "image/jpeg", "size": len(data),
            "title": f"Quiet harbour {n}", "tags": [tag]}
    headers = {"Authorization": f"Bearer {token}"}
    grant = requests.post(f"{stack.base_url}/api/uploads", json=body, headers=headers,
                          timeout=30)
    assert grant.status_code == 201, grant.text
    upload = grant.json()["upload"]
    posted = requests.post(upload["url"], data=upload["fields"],
                           files={"file": (body["filename"], data, "image/jpeg")}, timeout=60)
    assert posted.status_code in (200, 201, 204), posted.text
    return str(grant.json()["image_id"])


@pytest.fixture(scope="module")
def gallery(local_stack: LocalStack) -> Iterator[Gallery]:
    """PHOTOS ready photos titled "Quiet harbour <n>" under a tag nobody else uses."""
    tag = f"place{uuid.uuid4().hex[:8]}"
    token = local_stack.token(f"place-{uuid.uuid4().hex[:6]}")
    headers = {"Authorization": f"Bearer {token}"}
    name = new_name("Pia Place")
    claimed = requests.put(f"{local_stack.base_url}/api/me/profile", headers=headers,
                           json={"display_name": name}, timeout=30)
    assert claimed.status_code == 200, claimed.text
    ids = [_upload(local_stack, token, n, tag) for n in range(PHOTOS)]
    images = [_wait_terminal(local_stack, token, image_id) for image_id in ids]
    assert {image["status"] for image in images} == {"ready"}
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        found = requests.get(f"{local_stack.base_url}/api/search", params={"tags": tag},
                             timeout=30).json()
        if found["total"] == PHOTOS:
            break
        time.sleep(0.3)
    yield Gallery(tag, str(images[0]["owner"]), name, ids[0])


def small_pages(web: Browsing) -> None:
    """Serve config.json with a small page size, so a few photos make several pages."""
    def answer(route: Any) -> None:
        response = route.fetch()
        config = {**response.json(), "searchPageSize": PAGE_SIZE}
        route.fulfill(response=response, body=json.dumps(config))

    web.page.route("**/config.json", answer)


def tiles(web: Browsing) -> int:
    return int(web.page.evaluate("() => document.querySelectorAll('#results .tile').length"))


def load_every_page(web: Browsing) -> None:
    page = web.page
    for _ in range(PHOTOS):
        if page.query_selector(".end-note"):
            break
        shown = tiles(web)
        page.evaluate("() => window.scrollTo(0, document.documentElement.scrollHeight)")
        page.wait_for_function(
            f"() => document.querySelectorAll('#results .tile').length > {shown}"
            " || document.querySelector('.end-note')")
    assert tiles(web) == PHOTOS


def scroll_near_the_end(web: Browsing) -> int:
    """Scroll to 70% of the way down; the position the page settled at."""
    page = web.page
    page.evaluate("() => window.scrollTo(0, Math.round((document.documentElement.scrollHeight"
                  " - innerHeight) * 0.7))")
    # The app notes the position in history.state shortly after scrolling stops.
    page.wait_for_function("() => history.state && history.state.scrollY === Math.round(scrollY)")
    return int(page.evaluate("() => Math.round(scrollY)"))


def open_a_tile_in_view(web: Browsing) -> None:
    tile_id = web.page.evaluate(
        "() => [...document.querySelectorAll('#results .tile')]"
        ".find((t) => t.getBoundingClientRect().top > 60).dataset.id")
    web.page.click(f"#results .tile[data-id='{tile_id}']")
    web.page.wait_for_selector("#image-title")


def wait_scrolled_to(web: Browsing, y: int) -> None:
    web.page.wait_for_function(f"() => Math.abs(scrollY - {y}) <= {SCROLL_TOLERANCE}")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_back_and_reload_after_a_deep_scroll_return_to_the_same_tiles_and_place(
    web: Browsing, gallery: Gallery, viewport: dict[str, int], shots: Callable[[str], None]
) -> None:
    page = web.page
    page.set_viewport_size(viewport)
    small_pages(web)
    searches: list[str] = []
    page.on("request", lambda r: searches.append(r.url) if "/api/search" in r.url else None)
    # GIVEN a visitor who scrolled through every page of a search
    web.go(f"/?tags={gallery.tag}")
    page.wait_for_selector("#results .tile")
    load_every_page(web)
    assert len(searches) >= 5  # the pages came one by one
    y = scroll_near_the_end(web)
    assert y > 200
    # WHEN they open a photo and come back
    open_a_tile_in_view(web)
    searches.clear()
    page.go_back()
    # THEN the same tiles are there at the same place, without asking for them again
    page.wait_for_function(f"() => document.querySelectorAll('#results .tile').length === {PHOTOS}")
    wait_scrolled_to(web, y)
    assert searches == []
    # AND a reload keeps the filter and the place
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_function(f"() => document.querySelectorAll('#results .tile').length === {PHOTOS}")
    wait_scrolled_to(web, y)
    assert f"tags={gallery.tag}" in page.url
    shots("restored")


def test_most_words_notice_and_no_similar_words_note_over_nothing(
    web: Browsing, gallery: Gallery, local_stack: LocalStack, shots: Callable[[str], None]
) -> None:
    page = web.page
    # GIVEN words no photo has all of
    answer = requests.get(f"{local_stack.base_url}/api/search",
                          params={"q": "harbour zeppelin", "tags": gallery.tag}, timeout=30)
    assert answer.json()["match"] == "most" and answer.json()["total"] == PHOTOS
    web.go(f"/?q=harbour+zeppelin&tags={gallery.tag}")
    # THEN the page says so and shows those with most of the words
    note = page.wait_for_selector("#most-note")
    assert "No photo matches all of “harbour zeppelin”" in note.inner_text()
    assert tiles(web) > 0
    shots("most-words")
    # AND words nothing matches, even forgiving typos, show no "similar words" over 0 photos
    web.go(f"/?q=qxzqj&tags={gallery.tag}")
    page.wait_for_selector(".empty-state")
    assert page.query_selector("#fuzzy-note") is None


def test_bad_filter_values_in_a_link_are_dropped_with_a_notice(
    web: Browsing, gallery: Gallery, shots: Callable[[str], None]
) -> None:
    page = web.page
    web.go(f"/?tags={gallery.tag}&min_width=abc&color=zzz&sort=nope")
    notice = page.wait_for_selector("#filter-notice")
    assert "minimum width" in notice.inner_text() and "colour" in notice.inner_text()
    assert tiles(web) > 0
    for name in ("min_width", "color", "sort"):
        assert f"{name}=" not in page.url
    assert f"tags={gallery.tag}" in page.url
    shots("bad-filters")


def test_a_too_long_search_is_refused_with_the_limit_never_cut(
    web: Browsing, gallery: Gallery, local_stack: LocalStack, shots: Callable[[str], None]
) -> None:
    page = web.page
    long = "harbour " * 40  # 320 characters
    web.go("/")
    page.fill("#q", long)
    page.press("#q", "Enter")
    toast = page.wait_for_selector(".toast-error")
    assert "at most 256 characters" in toast.inner_text()
    assert len(page.input_value("#q")) == len(long)  # left as typed, not cut
    assert "q=" not in page.url
    shots("long-query-box")
    # AND a link with a too-long search says the limit too (the API refuses it, never cuts)
    answer = requests.get(f"{local_stack.base_url}/api/search", params={"q": long}, timeout=30)
    assert answer.status_code == 400 and answer.json()["error"]["code"] == "query_too_long"
    web.go(f"/?q={'x' * 300}")
    assert "at most 256 characters" in page.wait_for_selector("#search-error").inner_text()


def test_a_contributor_page_and_a_missing_photo(
    web: Browsing, gallery: Gallery, shots: Callable[[str], None]
) -> None:
    page = web.page
    web.go(f"/?owner={gallery.owner}")
    title = page.wait_for_selector("#result-title")
    assert title.inner_text() == f"Photos by {gallery.owner_name}"
    assert page.inner_text("#result-count").startswith(f"{PHOTOS} photos")
    shots("owner")
    missing = "f" * 31 + "e"
    web.go(f"/images/{missing}")
    page.wait_for_selector("#photo-not-found")
    assert page.inner_text("h1") == "Photo not found"
    assert missing not in page.inner_text("#view")
    shots("not-found")


def test_a_photo_link_previews_with_its_title_and_image(
    local_stack: LocalStack, gallery: Gallery
) -> None:
    page = requests.get(f"{local_stack.base_url}/images/{gallery.image_id}", timeout=30)
    assert page.status_code == 200
    assert '<meta property="og:title" content="Quiet harbour 0">' in page.text
    assert '<meta name="twitter:card" content="summary_large_image">' in page.text
    assert f'content="{local_stack.base_url}/renditions/' in page.text  # absolute image URL
    missing = requests.get(f"{local_stack.base_url}/images/{'0' * 32}", timeout=30)
    assert missing.status_code == 200 and "og:title" not in missing.text

"""Camera facts in Chromium: a photo uploaded with a full EXIF block shows its camera on its
page, the search page's camera facet filters to it (kept in the URL), a photo without EXIF
shows none, and no published file carries the GPS, serial or name fields."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
import requests

from tests.e2e.conftest import LocalStack
from tests.e2e.test_local_stack import _upload, _wait_terminal
from tests.e2e.web.conftest import Browsing
from tests.images import camera
from tests.images.pictures import fresh_photo

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.browser]


def _ready(stack: LocalStack, token: str, data: bytes, title: str, tag: str) -> str:
    image_id = _upload(stack, token, data, "image/jpeg", f"{title}.jpg")
    requests.patch(f"{stack.base_url}/api/images/{image_id}",
                   headers={"Authorization": f"Bearer {token}"},
                   json={"title": title, "tags": [tag]}, timeout=30)
    assert _wait_terminal(stack, token, image_id)["status"] == "ready"
    return image_id


@pytest.fixture(scope="module")
def cameras(local_stack: LocalStack) -> Iterator[dict[str, Any]]:
    """Two photos from two (made-up, unique) cameras and one without EXIF, under one tag."""
    tag = f"cam{uuid.uuid4().hex[:8]}"
    first, second = f"Probe {uuid.uuid4().hex[:6]}", f"Probe {uuid.uuid4().hex[:6]}"
    token = local_stack.token("camera-owner")
    ids = {
        "first": _ready(local_stack, token, camera.camera_jpeg(
            640, 480, make=b"Probe", model=first.encode()), "Quay one", tag),
        "second": _ready(local_stack, token, camera.camera_jpeg(
            640, 480, make=b"Probe", model=second.encode()), "Quay two", tag),
        "plain": _ready(local_stack, token, fresh_photo(640, 480), "Quay three", tag),
    }
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        found = requests.get(f"{local_stack.base_url}/api/search", params={"tags": tag},
                             timeout=30).json()
        if found["total"] == 3:
            break
        time.sleep(0.3)
    yield {"tag": tag, "first": first, "second": second, "ids": ids}


def test_the_camera_facet_filters_the_search_and_stays_in_the_url(
    web: Browsing, cameras: dict[str, Any], shots: Callable[[str], None],
) -> None:
    page = web.page
    # GIVEN the three photos' search
    web.go(f"/?tags={cameras['tag']}")
    page.wait_for_selector(".tile")
    assert page.locator(".tile").count() == 3
    # THEN the camera facet lists both cameras once each, and not the photo without EXIF
    values = page.locator("[data-facet=camera]")
    assert sorted(values.evaluate_all("els => els.map(e => e.dataset.value)")) == sorted(
        [cameras["first"], cameras["second"]])
    shots("facet")
    # WHEN the visitor picks the first camera
    page.click(f"[data-facet=camera][data-value='{cameras['first']}']")
    page.wait_for_function("() => document.querySelectorAll('.tile').length === 1")
    # THEN only its photo is left, the choice is in the URL and survives a reload
    assert page.locator(".tile .tile-title").all_inner_texts() == ["Quay one"]
    assert parse_qs(urlparse(page.url).query)["camera"] == [cameras["first"]]
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_selector(".tile")
    assert page.locator(".tile .tile-title").all_inner_texts() == ["Quay one"]
    assert page.get_attribute("[data-facet=camera]", "aria-current") == "true"
    # AND `camera:` typed in the query finds the second camera alone
    web.go(f"/?q=camera:{cameras['second'].split()[1]}&tags={cameras['tag']}")
    page.wait_for_selector(".tile")
    assert page.locator(".tile .tile-title").all_inner_texts() == ["Quay two"]


def test_the_image_page_shows_the_camera_block_and_a_photo_without_exif_none(
    web: Browsing, cameras: dict[str, Any], local_stack: LocalStack,
    shots: Callable[[str], None],
) -> None:
    page = web.page
    web.go(f"/images/{cameras['ids']['first']}")
    page.wait_for_selector("#camera-facts")
    assert page.inner_text("#camera-facts") == (
        f"{cameras['first']} · EF24-70mm f/2.8L II USM · 50 mm · f/2.8 · 1/200 s · ISO 400"
        " · taken 12 May 2024")
    shots("camera-block")
    # The name is the camera filter
    page.click("#camera-name")
    page.wait_for_selector(".tile")
    assert parse_qs(urlparse(page.url).query)["camera"] == [cameras["first"]]
    web.go(f"/images/{cameras['ids']['plain']}")
    page.wait_for_selector("#image-title")
    assert page.locator("#camera").count() == 0
    # AND no published rendition of the camera photo carries its private EXIF fields
    body = requests.get(f"{local_stack.base_url}/api/images/{cameras['ids']['first']}",
                        timeout=30).json()
    assert set(body["camera"]) >= {"model", "iso", "taken_at"}
    for rendition in body["renditions"].values():
        data = requests.get(rendition["url"], timeout=30).content
        assert data and not [m for m in (*camera.PRIVATE_MARKERS, b"Exif") if m in data]

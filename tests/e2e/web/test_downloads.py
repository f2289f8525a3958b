"""Downloading in Chromium: the main button saves the full-size JPEG (no EXIF), the menu
offers every size, the owner alone gets their original byte for byte, the count goes up,
the credit line copies, and the API's own words appear when a download cannot start."""

from __future__ import annotations

import hashlib
import io
import re
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from PIL import Image

from tests.e2e.conftest import LocalStack
from tests.e2e.test_local_stack import _upload, _wait_terminal
from tests.e2e.web.conftest import Browsing, new_email, sign_up
from tests.images import binary, factory

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.browser]

BY = "\u00d7"  # the multiplication sign the page writes between width and height
WIDTH, HEIGHT = 2400, 1600  # wider than every public size, so each is a distinct file
SESSION = "JSON.parse(sessionStorage.getItem('stock-images.session')).accessToken"
WATCH_SHIFTS = """
  window.layoutShift = 0;
  new PerformanceObserver(list => list.getEntries().forEach(e => {
    if (!e.hadRecentInput) window.layoutShift += e.value; })
  ).observe({type: 'layout-shift', buffered: true});"""


def _camera_jpeg(width: int = WIDTH, height: int = HEIGHT) -> bytes:
    """A photo as a camera writes it: a JPEG with an EXIF block the downloads must drop."""
    return binary.insert_after_soi(factory.fresh_photo(width, height),
                                   binary.exif_app1(binary.orientation_exif(1)))


def _ready_photo(stack: LocalStack, token: str, data: bytes, title: str) -> dict[str, Any]:
    image_id = _upload(stack, token, data, "image/jpeg", "camera.jpg")
    requests.patch(f"{stack.base_url}/api/images/{image_id}", json={"title": title},
                   headers={"Authorization": f"Bearer {token}"}, timeout=30)
    image = _wait_terminal(stack, token, image_id)
    assert image["status"] == "ready", image
    return image


@pytest.fixture(scope="module")
def photo(local_stack: LocalStack) -> dict[str, Any]:
    """One ready photo of someone else's, as a visitor sees it through the API."""
    token = local_stack.token("download-owner")
    image = _ready_photo(local_stack, token, _camera_jpeg(), "Red fox in the snow")
    return dict(requests.get(f"{local_stack.base_url}/api/images/{image['id']}",
                             timeout=30).json())


@pytest.fixture
def console(web: Browsing) -> Iterator[list[str]]:
    """Console errors of any kind (the shared fixture fails on CSP and uncaught ones)."""
    seen: list[str] = []
    web.page.on("console", lambda message: seen.append(message.text)
                if message.type == "error" else None)
    yield seen
    assert seen == [], f"console errors: {seen}"


def _open(web: Browsing, image_id: str) -> None:
    web.go(f"/images/{image_id}")
    web.page.wait_for_selector("#download")


def _count(web: Browsing) -> int:
    return int(web.page.get_attribute("#download-count", "data-count") or "-1")


def _save(download: Any, folder: Path) -> bytes:
    target = folder / download.suggested_filename
    download.save_as(target)
    return target.read_bytes()


def test_a_visitor_downloads_the_full_size_jpeg_and_copies_the_credit(
    web: Browsing, photo: dict[str, Any], console: list[str], tmp_path: Path,
    shots: Callable[[str], None],
) -> None:
    page = web.page
    page.add_init_script(WATCH_SHIFTS)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=web.base_url)
    # GIVEN a visitor on a ready photo's page
    _open(web, photo["id"])
    before = _count(web)
    assert page.inner_text("#download-count") == f"{before} downloads"
    label = page.inner_text("#download")
    assert "Download" in label and f"{WIDTH} {BY} {HEIGHT}" in label
    assert page.locator("[data-size=original]").count() == 0
    url = page.url
    # WHEN they press Download
    with page.expect_download() as started:
        page.click("#download")
    download = started.value
    data = _save(download, tmp_path)
    # THEN the browser saves a JPEG named after the photo, full size, without EXIF
    assert download.suggested_filename.endswith(".jpg")
    assert photo["id"] in download.suggested_filename
    with Image.open(io.BytesIO(data)) as saved:
        assert (saved.format, saved.size) == ("JPEG", (WIDTH, HEIGHT))
        assert not saved.getexif()
    assert b"Exif" not in data
    # AND the page stays, offers the credit line and counts the download, with nothing moving
    credit = f"Photo by {photo['owner_name']} on Stock Images"
    page.wait_for_selector("#attribution")
    assert page.inner_text("#attribution") == credit
    assert page.url == url
    assert _count(web) == before + 1
    assert page.evaluate("window.layoutShift") < 0.01
    # WHEN they copy the credit THEN the clipboard holds it
    page.click("#copy-attribution")
    page.wait_for_selector("#copy-attribution:has-text('Copied')")
    assert page.evaluate("navigator.clipboard.readText()") == credit
    shots("credit")
    # AND after a reload the count the API keeps says one more
    page.reload()
    page.wait_for_selector("#download-count")
    assert _count(web) == before + 1
    assert page.inner_text("#download-count") == (
        "1 download" if before == 0 else f"{before + 1} downloads")
    # AND Escape closes the credit line, giving focus back to the button
    with page.expect_download():
        page.click("#download")
    page.wait_for_selector("#attribution")
    page.keyboard.press("Escape")
    assert page.locator("#download-note").count() == 0
    assert page.evaluate("document.activeElement.id") == "download"


def test_the_size_menu_lists_every_size_and_the_keyboard_picks_small(
    web: Browsing, photo: dict[str, Any], console: list[str], tmp_path: Path,
    shots: Callable[[str], None],
) -> None:
    page = web.page
    _open(web, photo["id"])
    toggle = "#download-more"
    assert page.get_attribute(toggle, "aria-expanded") == "false"
    assert page.locator("#download-sizes").is_hidden()
    # WHEN the visitor opens the menu from the keyboard
    page.focus(toggle)
    page.keyboard.press("Enter")
    # THEN it lists every size the API offers, with pixels, file size and format
    assert page.get_attribute(toggle, "aria-expanded") == "true"
    sizes = photo["download_sizes"]
    offered = page.locator("#download-sizes [data-size]").evaluate_all(
        "options => options.map(o => o.dataset.size)")
    assert offered == [s["size"] for s in sizes]
    assert [s["size"] for s in sizes][:1] == ["full"]
    for size in sizes:
        text = page.inner_text(f"#download-sizes [data-size={size['size']}] .size-facts")
        assert re.fullmatch(rf"{size['width']} {BY} {size['height']} px · [\d.]+ (B|KB|MB) · \w+",
                            text), text
    assert page.evaluate("document.activeElement.dataset.size") == "full"
    shots("menu")
    # AND Escape closes it and hands focus back to its button
    page.keyboard.press("Escape")
    assert page.get_attribute(toggle, "aria-expanded") == "false"
    assert page.evaluate("document.activeElement.id") == "download-more"
    # WHEN they open it again and arrow down to Small
    page.keyboard.press("ArrowDown")
    for _ in range(len(sizes)):
        if page.evaluate("document.activeElement.dataset.size") == "small":
            break
        page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.dataset.size") == "small"
    with page.expect_download() as started:
        page.keyboard.press("Enter")
    # THEN a 400 px wide file arrives, named for its size, and the menu is closed
    data = _save(started.value, tmp_path)
    assert started.value.suggested_filename.endswith("-small.webp")
    with Image.open(io.BytesIO(data)) as saved:
        assert saved.width == 400
    assert page.get_attribute(toggle, "aria-expanded") == "false"
    # AND a click elsewhere closes an open menu
    page.click(toggle)
    assert page.get_attribute(toggle, "aria-expanded") == "true"
    page.click("#image-title")
    assert page.get_attribute(toggle, "aria-expanded") == "false"


def test_the_owner_gets_their_exact_original_and_nobody_else_is_offered_it(
    web: Browsing, local_stack: LocalStack, console: list[str], tmp_path: Path,
    shots: Callable[[str], None],
) -> None:
    page = web.page
    # GIVEN a contributor who uploaded a camera JPEG (EXIF and all)
    sign_up(web, new_email(), name="Grace Hopper")
    token = page.evaluate(SESSION)
    uploaded = _camera_jpeg(1600, 1200)
    image = _ready_photo(local_stack, token, uploaded, f"Harbour {uuid.uuid4().hex[:6]}")
    # WHEN they open its menu
    _open(web, image["id"])
    page.click("#download-more")
    original = page.locator("#download-sizes [data-size=original]")
    assert "Download your original" in original.inner_text()
    shots("owner-menu")
    with page.expect_download() as started:
        original.click()
    # THEN they get exactly the bytes they uploaded
    data = _save(started.value, tmp_path)
    assert hashlib.sha256(data).hexdigest() == hashlib.sha256(uploaded).hexdigest()
    assert image["id"] in started.value.suggested_filename
    assert page.inner_text("#attribution") == "Photo by Grace Hopper on Stock Images"
    # WHEN someone else signs in and opens the same photo
    page.click("#nav-signout")
    page.wait_for_selector("#nav-signin")
    sign_up(web, new_email(), name="Someone Else")
    _open(web, image["id"])
    page.click("#download-more")
    # THEN every size but the original is offered
    page.wait_for_selector("#download-sizes [data-size=full]")
    assert page.locator("#download-sizes [data-size=original]").count() == 0
    assert "original" not in page.inner_text("#download-sizes").lower()


def test_when_a_download_cannot_start_the_page_says_why_in_words(
    web: Browsing, local_stack: LocalStack, console: list[str], shots: Callable[[str], None]
) -> None:
    page = web.page
    token = local_stack.token("download-leaver")
    image = _ready_photo(local_stack, token, factory.fresh_photo(900, 600), "Soon gone")
    # GIVEN a visitor looking at a photo its owner deletes a moment later
    _open(web, image["id"])
    deleted = requests.delete(f"{local_stack.base_url}/api/images/{image['id']}",
                              headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert deleted.status_code in (200, 202, 204), deleted.text
    answer = requests.get(f"{local_stack.base_url}/api/images/{image['id']}/download",
                          timeout=30).json()["error"]
    # WHEN they press Download
    page.click("#download")
    # THEN the API's message shows, not its code, and the count did not move
    page.wait_for_selector("#download-error")
    assert page.inner_text("#download-error") == answer["message"]
    assert answer["code"] not in page.inner_text(".download")
    assert page.get_attribute("#download-note", "role") == "alert"
    assert _count(web) == 0
    shots("error")
    # The failed request itself is the one console line Chromium prints here.
    assert all("404" in line for line in console), console
    console.clear()


def test_on_a_phone_the_control_fits_and_without_a_clipboard_the_credit_is_selected(
    web: Browsing, photo: dict[str, Any], console: list[str]
) -> None:
    page = web.page
    # GIVEN a phone whose browser offers no way to copy from script
    page.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined});"
                         " document.execCommand = () => false;")
    page.set_viewport_size({"width": 360, "height": 740})
    _open(web, photo["id"])
    page.click("#download-more")
    # THEN the control and its menu stay inside the screen, nothing scrolls sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    box = page.locator("#download-sizes").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
    # AND the menu floats over the page instead of pushing it down
    assert page.eval_on_selector("#download-sizes", "el => getComputedStyle(el).position") \
        == "absolute"
    # WHEN they download and press Copy
    with page.expect_download():
        page.click("#download-sizes [data-size=full]")
    page.click("#copy-attribution")
    # THEN the credit is selected for them, with the keys to press
    page.wait_for_selector("#copy-hint:not([hidden])")
    assert "to copy" in page.inner_text("#copy-hint")
    assert page.evaluate("String(getSelection())") == page.inner_text("#attribution")

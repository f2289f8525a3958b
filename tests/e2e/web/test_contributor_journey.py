"""A contributor's whole visit, in Chromium: sign up, upload with progress, see results,
search, filter, open, edit, delete, sign out."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from tests.e2e.web.conftest import Browsing, new_email, sign_up
from tests.images import factory, hostile

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.browser]

TERMINAL = "ready, rejected, failed, refused, error"
SLOW_UPLINK = {"offline": False, "latency": 20, "downloadThroughput": 8_000_000,
               "uploadThroughput": 400_000}
WATCH_PROGRESS = """() => {
  window.progressSeen = new Set();
  const note = () => document.querySelectorAll('progress')
    .forEach(p => window.progressSeen.add(p.value));
  new MutationObserver(note)
    .observe(document.body, {subtree: true, attributes: true, childList: true});
}"""


def _files(tag: str) -> list[dict[str, Any]]:
    def jpeg(name: str, width: int, height: int) -> dict[str, Any]:
        data = factory.fresh_photo(width, height, "jpeg", 97)  # not refused as a duplicate
        return {"name": name, "mimeType": "image/jpeg", "buffer": data}

    # About 1.1 MB in all: over the 400 kB/s uplink each file still takes most of a second,
    # so the bars have a middle to show (4.4 MB of larger photos took 11 s of throttled upload).
    return [
        jpeg("running-horses.jpg", 900, 600),
        jpeg("lighthouse_tower.jpg", 500, 750),
        jpeg("quiet harbour.jpg", 700, 700),
        {"name": "broken.jpg", "mimeType": "image/jpeg",
         "buffer": hostile.truncated(factory.photo(900, 600), 0.4)},
    ]


def _card(web: Browsing, file_name: str) -> Any:
    return web.page.locator(f".upload-card[data-file='{file_name}']")


def _eventually_in_results(web: Browsing, path: str, title: str, present: bool) -> None:
    """Search results follow the table within about a second; search again until they agree.
    Each try is a fresh visit (a new history entry): Chromium takes opening the URL already
    shown as a reload, and a reload shows the results kept for that entry (place.js), so
    retrying in place would keep showing the first answer."""
    deadline = time.monotonic() + 20
    while True:
        web.page.goto("about:blank")
        web.go(path)
        web.page.wait_for_selector("#result-count, .empty-state")
        titles = web.page.locator(".tile .tile-title").all_inner_texts()
        if (title in titles) == present or time.monotonic() > deadline:
            assert (title in titles) == present, f"{title!r} in {titles}: expected {present}"
            return
        time.sleep(0.5)


def _upload_all(web: Browsing, tag: str) -> None:
    page = web.page
    page.click("#nav-upload")
    page.wait_for_selector(".dropzone")
    page.evaluate(WATCH_PROGRESS)
    page.set_input_files("#file-input", _files(tag))
    for card in page.locator(".upload-card").all():
        card.locator("input[name=tags]").fill(f"e2e, {tag}")
    _card(web, "running-horses.jpg").locator("input[name=tags]").fill(f"horses, {tag}")
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_UPLINK)
    page.click("#start-upload")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.upload-card')].every(c =>"
        f" '{TERMINAL}'.split(', ').includes(c.dataset.state))", timeout=120_000)
    cdp.send("Network.emulateNetworkConditions", {**SLOW_UPLINK, "uploadThroughput": -1,
                                                  "downloadThroughput": -1, "latency": 0})


def test_a_contributor_uploads_finds_edits_and_deletes_a_photo(
    web: Browsing, shots: Callable[[str], None]
) -> None:
    page = web.page
    tag = f"journey{uuid.uuid4().hex[:8]}"
    # GIVEN a visitor who signs up through the app
    sign_up(web, new_email())
    shots("signed-up")

    # WHEN they upload three photos and a broken file over a slow uplink
    _upload_all(web, tag)
    shots("uploaded")

    # THEN each bar moved through the middle, three photos are ready, the broken one rejected
    seen = page.evaluate("[...window.progressSeen]")
    assert any(0 < value < 100 for value in seen), f"progress never moved: {seen}"
    for name in ("running-horses.jpg", "lighthouse_tower.jpg", "quiet harbour.jpg"):
        assert _card(web, name).get_attribute("data-state") == "ready"
        assert _card(web, name).locator(".upload-preview img").get_attribute("src")
    broken = _card(web, "broken.jpg")
    assert broken.get_attribute("data-state") == "rejected"
    assert "damaged or incomplete" in broken.locator(".upload-status").inner_text()

    # AND My uploads lists all four with their status
    page.click("#nav-mine")
    page.wait_for_selector(".mine-card")
    statuses = page.locator(".mine-card").evaluate_all("cs => cs.map(c => c.dataset.status)")
    assert sorted(statuses)[:4] == ["ready", "ready", "ready", "rejected"]
    shots("my-uploads")

    # WHEN they search for a stemmed word THEN the photo titled "Running horses" is found
    _eventually_in_results(web, f"/?q=horse&tags={tag}", "Running horses", present=True)
    page.fill("#q", "horse")
    page.press("#q", "Enter")
    page.wait_for_url("**/?q=horse**")
    page.wait_for_selector(".tile")
    assert "Running horses" in page.locator(".tile .tile-title").all_inner_texts()
    shots("search-horse")

    # WHEN they filter their tag by orientation THEN only the portrait photo stays
    web.go(f"/?tags={tag}")
    page.wait_for_selector(".tile")
    assert page.locator(".tile").count() == 3
    page.click("[data-facet=orientation][data-value=portrait]")
    page.wait_for_url("**orientation=portrait**")
    page.wait_for_selector("[data-facet=orientation][data-value=portrait][aria-current=true]")
    assert page.locator(".tile .tile-title").all_inner_texts() == ["Lighthouse tower"]
    shots("filtered-portrait")

    # WHEN they open a photo, edit its title THEN the page and search show the new title
    page.click(".tile")
    page.wait_for_selector("#image-title")
    assert page.inner_text("#image-title") == "Lighthouse tower"
    assert page.locator("#photo").get_attribute("alt") == "Lighthouse tower"
    assert "Ada Lovelace" in page.inner_text(".facts")  # credited by the name given at sign-up
    shots("image-page")
    page.click("#edit")
    page.fill("#edit-title", "Lighthouse in the gale")
    page.click(".edit-form button[type=submit]")
    page.wait_for_selector("#image-title:has-text('Lighthouse in the gale')")
    image_path = page.url.replace(web.base_url, "")
    _eventually_in_results(web, "/?q=gale", "Lighthouse in the gale", present=True)

    # WHEN they delete it THEN it is gone from search
    web.go(image_path)
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#delete")
    page.wait_for_url("**/me")
    _eventually_in_results(web, "/?q=gale", "Lighthouse in the gale", present=False)

    # WHEN they sign out THEN the header offers sign-in again and uploading asks to sign in
    page.click("#nav-signout")
    page.wait_for_selector("#nav-signin")
    web.go("/upload")
    assert page.locator("a[href^='/signin']").count() >= 1
    # no token is left in the tab (the kept search pages may stay: they are public results)
    assert page.evaluate("sessionStorage.getItem('stock-images.session')") is None
    assert not page.evaluate("Object.keys(sessionStorage).filter(k => /token|session/i.test(k))")
    shots("signed-out")

"""A visitor browsing in Chromium: shared links, back and forward, suggestions, phone
layout, keyboard, alt text, no layout shift; and early refusal of wrong files."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from tests.e2e.conftest import LocalStack
from tests.e2e.test_local_stack import _upload, _wait_terminal
from tests.e2e.web.conftest import Browsing, new_email, sign_up
from tests.images import factory

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.browser]

SIZES = {"meadow": (1500, 1000), "tower": (900, 1400), "pebble": (1000, 1000)}


@pytest.fixture(scope="module")
def gallery(local_stack: LocalStack) -> Iterator[str]:
    """Three ready, searchable photos sharing a tag nobody else uses; yields the tag."""
    tag = f"browse{uuid.uuid4().hex[:8]}"
    token = local_stack.token("gallery-owner")
    for word, (width, height) in SIZES.items():
        data = factory.fresh_photo(width, height)  # not refused as a duplicate
        image_id = _upload(local_stack, token, data, "image/jpeg",
                           f"{word}.jpg")
        requests.patch(f"{local_stack.base_url}/api/images/{image_id}",
                       headers={"Authorization": f"Bearer {token}"},
                       json={"title": f"Mossy {word}", "tags": [tag, f"{word}-{tag}"]}, timeout=30)
        assert _wait_terminal(local_stack, token, image_id)["status"] == "ready"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        found = requests.get(f"{local_stack.base_url}/api/search", params={"tags": tag},
                             timeout=30).json()
        if found["total"] == len(SIZES):
            break
        time.sleep(0.3)
    yield tag


def test_a_shared_link_restores_the_search_and_history_moves_through_filters(
    web: Browsing, gallery: str, shots: Callable[[str], None]
) -> None:
    page = web.page
    # GIVEN a link someone shared, with a query and a filter
    web.go(f"/?q=mossy&tags={gallery}&orientation=landscape")
    page.wait_for_selector(".tile")
    # THEN the page shows exactly that search
    assert page.input_value("#q") == "mossy"
    assert page.locator(".tile .tile-title").all_inner_texts() == ["Mossy meadow"]
    assert page.get_attribute("[data-facet=orientation][data-value=landscape]",
                              "aria-current") == "true"
    # WHEN the visitor drops the filter, goes back, then forward
    page.click("[data-facet=orientation][data-value=landscape]")
    page.wait_for_function("() => !location.search.includes('orientation')")
    page.wait_for_function("() => document.querySelectorAll('.tile').length === 3")
    page.go_back()
    page.wait_for_function("() => document.querySelectorAll('.tile').length === 1")
    assert "orientation=landscape" in page.url
    page.go_forward()
    page.wait_for_function("() => document.querySelectorAll('.tile').length === 3")
    # AND reloads
    page.reload()
    page.wait_for_function("() => document.querySelectorAll('.tile').length === 3")
    assert "orientation" not in page.url
    shots("history")


def test_suggestions_appear_as_you_type_and_the_keyboard_picks_one(
    web: Browsing, gallery: str, shots: Callable[[str], None]
) -> None:
    page = web.page
    web.go("/")
    # WHEN the visitor types the start of a tag
    page.click("#q")
    page.keyboard.type(f"tower-{gallery[:8]}")
    page.wait_for_selector("#suggestions li[role=option]")
    assert page.get_attribute("#q", "aria-expanded") == "true"
    shots("suggestions")
    # THEN arrow down and Enter search for the suggestion
    page.keyboard.press("ArrowDown")
    assert page.get_attribute("#suggestion-0", "aria-selected") == "true"
    page.keyboard.press("Enter")
    page.wait_for_url("**/?q=tower-*")
    page.wait_for_selector(".tile")
    assert page.locator(".tile .tile-title").all_inner_texts() == ["Mossy tower"]


def test_on_a_phone_the_grid_fits_loads_without_shifting_and_works_by_keyboard(
    web: Browsing, gallery: str, shots: Callable[[str], None]
) -> None:
    page = web.page
    page.set_viewport_size({"width": 360, "height": 740})
    page.add_init_script("""
      window.layoutShift = 0;
      new PerformanceObserver(list => list.getEntries().forEach(e => {
        if (!e.hadRecentInput) window.layoutShift += e.value; })
      ).observe({type: 'layout-shift', buffered: true});""")
    web.go(f"/?tags={gallery}")
    page.wait_for_selector(".tile img")
    all_loaded = "() => [...document.querySelectorAll('.tile img')].every(i => i.complete)"
    page.wait_for_function(all_loaded)
    # THEN nothing is wider than the screen and nothing moved while images arrived
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.evaluate("window.layoutShift") < 0.01
    # AND every image says what it shows
    alts = page.locator(".tile img").evaluate_all("imgs => imgs.map(i => i.alt)")
    assert sorted(alts) == ["Mossy meadow", "Mossy pebble", "Mossy tower"]
    # AND the browser picked a rendition near the tile's width, not the largest
    chosen = page.locator(".tile img").evaluate_all("imgs => imgs.map(i => i.currentSrc)")
    assert all("/large." not in src for src in chosen), chosen
    # AND the keyboard reaches the skip link, the search box, then a photo that opens
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('tile')"):
            break
    assert page.evaluate("document.activeElement.classList.contains('tile')")
    page.keyboard.press("Enter")
    page.wait_for_selector("#image-title")
    assert page.inner_text("#image-title").startswith("Mossy")
    shots("phone-image")


def test_obviously_wrong_files_are_refused_before_any_upload_with_the_apis_words(
    web: Browsing, local_stack: LocalStack, tmp_path: Path, shots: Callable[[str], None]
) -> None:
    page = web.page
    sign_up(web, new_email())
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/api/uploads" in r.url else None)
    huge = tmp_path / "huge.jpg"
    with huge.open("wb") as sparse:  # 60 MB on paper, no disk used
        sparse.truncate(60 * 1024 * 1024)
    web.go("/upload")
    (tmp_path / "notes.txt").write_bytes(b"not a photo")
    (tmp_path / "anim.gif").write_bytes(b"GIF89a" + b"\0" * 20)
    # Paths, not buffers: Playwright cannot mix the two, and the 60 MB file must be a path.
    page.set_input_files("#file-input", [str(tmp_path / "notes.txt"),
                                         str(tmp_path / "anim.gif"), str(huge)])
    cards = page.locator(".upload-card")
    assert cards.count() == 3
    states = cards.evaluate_all("cs => cs.map(c => c.dataset.state)")
    assert states == ["refused", "refused", "refused"]
    assert page.is_disabled("#start-upload")
    shots("refused")
    # THEN the words are the API's own for the same requests
    token = local_stack.token("refusal-check")
    messages = cards.locator(".upload-status").all_inner_texts()
    sent = [("text/plain", 11), ("image/gif", 26), ("image/jpeg", 60 * 1024 * 1024)]
    for message, (content_type, size) in zip(messages, sent, strict=True):
        answer = requests.post(f"{local_stack.base_url}/api/uploads",
                               headers={"Authorization": f"Bearer {token}"},
                               json={"filename": "x", "content_type": content_type, "size": size},
                               timeout=30)
        assert answer.status_code == 400
        assert message == answer.json()["error"]["message"]
    assert asked == []


def test_the_apps_pure_helpers_behave(web: Browsing) -> None:
    web.go("/")
    rows = web.page.evaluate("""async () => {
      const { justify } = await import('/js/grid.js');
      const items = [[300, 200], [200, 300], [400, 400], [1600, 900], [500, 500]]
        .map(([width, height]) => ({ width, height }));
      const gaps = (r) => 8 * (r.items.length - 1);
      return justify(items, 1000, 200, 8).map(r => ({
        n: r.items.length, last: Boolean(r.last),
        width: r.items.reduce((s, i) => s + i.width / i.height * r.height, 0) + gaps(r) }));
    }""")
    full = [row for row in rows if not row["last"]]
    assert full and all(abs(row["width"] - 1000) < 0.01 for row in full)
    assert sum(row["n"] for row in rows) == 5
    titles = web.page.evaluate("""async () => {
      const { titleFromName } = await import('/js/views/upload.js');
      return ['summer_beach-2024.jpg', '.jpg', 'IMG 0001.JPEG'].map(titleFromName);
    }""")
    assert titles == ["Summer beach 2024", "Untitled", "IMG 0001"]
    placeholders = web.page.evaluate("""async () => {
      const { placeholderUrl } = await import('/js/blurhash.js');
      return [placeholderUrl('LHAe}|*H?acDSwWASKj=TDRiRQV@', 1.5), placeholderUrl('nonsense!', 1)];
    }""")
    assert placeholders[0].startswith("data:image/png;base64,")
    assert placeholders[1] is None
    labels = web.page.evaluate("""async () => {
      const { countLabel } = await import('/js/views/search.js');
      return [{ total: 1, total_relation: 'eq' }, { total: 240 },
              { total: 10000, total_relation: 'eq' }, { total: 10000, total_relation: 'gte' }]
        .map(countLabel);
    }""")
    assert labels == ["1 photo", "240 photos", "10,000 photos", "10,000+ photos"]


def test_a_search_past_the_word_limit_is_explained_in_the_apis_words(web: Browsing) -> None:
    q = " ".join(f"w{i}" for i in range(40))  # 149 characters: within the character limit
    answer = requests.get(f"{web.base_url}/api/search", params={"q": q}, timeout=30)
    assert answer.status_code == 400
    web.go(f"/?q={q.replace(' ', '+')}")
    notice = web.page.wait_for_selector(".notice.error[data-code=query_too_long]")
    assert notice.inner_text() == answer.json()["error"]["message"]
    assert "at most 32 different words" in notice.inner_text()


def test_an_image_page_shows_similar_photos_under_it_never_itself(
    web: Browsing, gallery: str, local_stack: LocalStack
) -> None:
    # GIVEN three ready photos sharing a tag (the seeded stack may hold more like them)
    found = requests.get(f"{local_stack.base_url}/api/search", params={"tags": gallery},
                         timeout=30).json()["results"]
    image_id = found[0]["id"]
    # WHEN a visitor opens one of them
    web.go(f"/images/{image_id}")
    page = web.page
    # THEN a "Similar photos" grid appears under it, with the search grid's tiles
    page.wait_for_selector("#similar:not([hidden]) #similar-grid .tile img")
    assert page.inner_text("#similar-title") == "Similar photos"
    links = page.locator("#similar-grid .tile").evaluate_all("as => as.map(a => a.pathname)")
    # AND never the photo itself; at least the two that share its tag; at most a page of 12
    assert f"/images/{image_id}" not in links
    assert 2 <= len(links) <= 12
    # AND the grid sits below the photo
    photo = page.locator("#photo").bounding_box()
    grid = page.locator("#similar-grid").bounding_box()
    assert photo and grid and grid["y"] >= photo["y"] + photo["height"]

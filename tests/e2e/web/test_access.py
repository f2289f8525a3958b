"""Keyboard, screen readers and phones in Chromium (issue 19 items 4 and 5).

axe-core (the copy axe-playwright-python bundles) checks every page against the WCAG 2.1 A and
AA rules, desktop and phone. The page's CSP refuses injected scripts, so only the axe runs use a
browser context with `bypass_csp=True`; every other test here runs under the production CSP.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests
from axe_playwright_python.base import AXE_SCRIPT

from tests.e2e.conftest import LocalStack
from tests.e2e.test_local_stack import _upload, _wait_terminal
from tests.e2e.web.conftest import DESKTOP, PHONE, Browsing, sign_in
from tests.images import factory

LOCAL_PASSWORD = "Local-Passw0rd!"  # what infra/local/token.py gives the users it makes
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}


@dataclass
class Site:
    """A contributor with published photos (the third one is deleted by a test), someone
    else's copy of the first held for review, and an admin."""

    run: str
    owner_email: str
    owner: str
    admin_email: str
    photos: list[str]
    held: str


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _publish(stack: LocalStack, token: str, data: bytes, title: str, tags: list[str]) -> str:
    image_id = _upload(stack, token, data, "image/jpeg", "photo.jpg")
    requests.patch(f"{stack.base_url}/api/images/{image_id}", json={"title": title, "tags": tags},
                   headers=_auth(token), timeout=30).raise_for_status()
    return image_id


@pytest.fixture(scope="module")
def site(local_stack: LocalStack) -> Site:
    run = uuid.uuid4().hex[:8]
    owner_email, admin_email = f"access-{run}@example.test", f"access-admin-{run}@example.test"
    owner = local_stack.token(owner_email)
    copier = local_stack.token(f"access-copier-{run}@example.test")
    local_stack.token(admin_email, group="admins")
    scene = factory.fresh_scene()
    # Sent together, then awaited: the stack's workers process them side by side.
    photos = [
        _publish(local_stack, owner, factory.photo(720, 480, scene=scene), f"Harbour {run}",
                 ["harbour", run]),
        _publish(local_stack, owner, factory.fresh_photo(480, 720), f"Tower {run}", ["tower", run]),
        _publish(local_stack, owner, factory.fresh_photo(600, 400), f"Doomed {run}", ["doomed"]),
    ]
    assert _wait_terminal(local_stack, owner, photos[0])["status"] == "ready"
    # The copy only after its original is published, or there is nothing to be a copy of yet.
    held = _upload(local_stack, copier, factory.photo(800, 533, scene=scene), "image/jpeg",
                   "copy.jpg")
    for image_id in photos[1:]:
        assert _wait_terminal(local_stack, owner, image_id)["status"] == "ready"
    assert _wait_terminal(local_stack, copier, held)["status"] == "in_review"
    return Site(run, owner_email, owner, admin_email, photos, held)


@pytest.fixture
def axe_web(browser: Any, local_stack: LocalStack) -> Iterator[Browsing]:
    """A page whose context ignores the CSP, so that axe's script can be injected."""
    context = browser.new_context(viewport=DESKTOP, bypass_csp=True)
    context.set_default_timeout(30_000)
    page = context.new_page()
    browsing = Browsing(page, local_stack.base_url)
    page.on("pageerror", lambda error: browsing.errors.append(str(error)))
    yield browsing
    context.close()
    assert browsing.errors == [], f"uncaught errors in the page: {browsing.errors}"


def _violations(page: Any) -> list[str]:
    """axe's WCAG 2.1 A/AA violations on the page now, one line per rule and element."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(content=AXE_SCRIPT)
    found = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']}).then(r => r.violations.map(v =>"
        " ({id: v.id, nodes: v.nodes.map(n => n.target.join(' '))})))",
        AXE_TAGS,
    )
    return [f"{rule['id']}: {target}" for rule in found for target in rule["nodes"]]


def _settled(web: Browsing, selector: str) -> None:
    web.page.wait_for_selector(selector)
    web.page.wait_for_function("() => !document.querySelector('#view .loading')")


def _audit(web: Browsing, pages: list[tuple[str, str]]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path, ready in pages:
        web.go(path)
        _settled(web, ready)
        found[path] = _violations(web.page)
    return {path: lines for path, lines in found.items() if lines}


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_axe_finds_no_wcag_violation_on_any_page(
    axe_web: Browsing, site: Site, viewport: str
) -> None:
    axe_web.page.set_viewport_size(VIEWPORTS[viewport])
    found = _audit(axe_web, [
        ("/", "#results .tile"),
        (f"/?q=harbour+{site.run}", "#results .tile"),
        (f"/images/{site.photos[0]}", "#image-title"),
        ("/signin", ".account-form"),
        ("/signup", ".account-form"),
    ])
    if viewport == "phone":  # the folded filters, open
        axe_web.go("/")
        _settled(axe_web, "#results .tile")
        axe_web.page.click("#filters-toggle")
        found["/ with the filters open"] = _violations(axe_web.page)
    sign_in(axe_web, site.owner_email, LOCAL_PASSWORD)
    found |= _audit(axe_web, [
        ("/upload", ".dropzone"),
        ("/me", ".mine-card"),
        (f"/images/{site.photos[1]}", "#edit"),
    ])
    axe_web.page.click("#edit")
    found["the edit form"] = _violations(axe_web.page)
    axe_web.page.click("#nav-signout")
    sign_in(axe_web, site.admin_email, LOCAL_PASSWORD)
    found |= _audit(axe_web, [("/review", "#review-detail")])
    found = {where: lines for where, lines in found.items() if lines}
    assert found == {}, "\n".join(f"{path}\n  " + "\n  ".join(lines)
                                  for path, lines in found.items())


# What the focused element looks like: on screen, not transparent, and the colours of its ring.
FOCUSED = """() => {
  const el = document.activeElement;
  if (el === document.body) return null;
  const box = el.getBoundingClientRect();
  let shown = box.width >= 4 && box.height >= 4 && box.right > 0 && box.bottom > 0
    && box.left < innerWidth && box.top < innerHeight;
  for (let node = el; node; node = node.parentElement) {
    const style = getComputedStyle(node);
    if (style.opacity === '0' || style.visibility === 'hidden') shown = false;
  }
  const style = getComputedStyle(el);
  const ring = style.boxShadow + ' ' + (style.outlineStyle === 'none' ? '' : style.outlineColor);
  return { name: el.id || el.getAttribute('aria-label') || el.textContent.trim().slice(0, 30)
             || el.tagName, shown, colours: ring.match(/rgba?\\([^)]*\\)/g) || [] };
}"""


def _contrast_on_white(colour: str) -> float:
    """WCAG contrast of a CSS rgb()/rgba() colour drawn over white, against white."""
    parts = [float(p) for p in colour[colour.index("(") + 1:-1].split(",")]
    alpha = parts[3] if len(parts) == 4 else 1.0
    channels = [c * alpha + 255 * (1 - alpha) for c in parts[:3]]
    linear = [(c / 255 / 12.92) if c / 255 <= 0.03928 else ((c / 255 + 0.055) / 1.055) ** 2.4
              for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 1.05 / (luminance + 0.05)


def _tab_through(web: Browsing, presses: int) -> list[str]:
    """Tab `presses` times; what was wrong with each focused element (hidden, no 3:1 ring)."""
    wrong = []
    for _ in range(presses):
        web.page.keyboard.press("Tab")
        focused = web.page.evaluate(FOCUSED)
        if focused is None:  # past the last stop, in the browser's own controls
            break
        if not focused["shown"]:
            wrong.append(f"{focused['name']}: focused but not visible")
        best = max((_contrast_on_white(c) for c in focused["colours"]), default=0.0)
        if best < 3:
            wrong.append(f"{focused['name']}: focus ring {focused['colours']} is {best:.1f}:1")
    return wrong


def _active(web: Browsing) -> str:
    return str(web.page.evaluate("() => document.activeElement.id"))


def _results_drawn(web: Browsing) -> None:
    web.page.wait_for_selector("#results .tile")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_every_focus_stop_is_visible_with_a_ring_of_three_to_one(
    web: Browsing, site: Site, viewport: str
) -> None:
    web.page.set_viewport_size(VIEWPORTS[viewport])
    wrong = {}
    for path in ("/", f"/images/{site.photos[0]}", "/signup", "sign in", "/upload", "/me"):
        if path == "sign in":
            sign_in(web, site.owner_email, LOCAL_PASSWORD)
            continue
        web.go(path)
        _settled(web, "h1")
        wrong[path] = _tab_through(web, 30)
    assert {path: found for path, found in wrong.items() if found} == {}


def test_keyboard_only_skip_link_search_sort_and_filters(
    web: Browsing, site: Site, shots: Callable[[str], None]
) -> None:
    page = web.page
    web.go(f"/?tags={site.run}")
    _results_drawn(web)
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert _active(web) == "results"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.classList.contains('tile')")

    # The sort moves with the arrow keys without reloading; Enter applies it, focus stays on it.
    page.evaluate("() => { window.drawn = document.getElementById('results'); }")
    page.focus("#sort")
    page.keyboard.press("ArrowDown")
    assert page.input_value("#sort") == "popular"
    assert "sort=" not in page.url
    assert page.evaluate("() => window.drawn === document.getElementById('results')")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "sort=popular" in url)
    page.wait_for_function("() => window.drawn !== document.getElementById('results')")
    _results_drawn(web)
    assert _active(web) == "sort"
    # Leaving it with Tab after an arrow applies the choice too, and Tab is not sent back to it.
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Tab")
    page.wait_for_url(lambda url: "sort=newest" in url)
    _results_drawn(web)
    assert _active(web) != "sort"

    # A chip chosen by keyboard keeps the focus; a search puts it on the results heading.
    page.focus("[data-facet=orientation][data-value=portrait]")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "orientation=portrait" in url)
    page.wait_for_selector("[data-value=portrait][aria-current=true]")
    assert page.evaluate("() => document.activeElement.dataset.value") == "portrait"
    page.focus("#q")
    page.keyboard.type(f"tower {site.run}")  # the portrait filter stays
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('h1')?.textContent.includes('tower')")
    _results_drawn(web)
    assert page.evaluate("() => document.activeElement.tagName") == "H1"
    shots("keyboard-search")


def test_keyboard_only_edit_menus_delete_and_upload(web: Browsing, site: Site) -> None:
    page = web.page
    doomed = site.photos[2]
    sign_in(web, site.owner_email, LOCAL_PASSWORD)
    web.go(f"/images/{doomed}")
    page.wait_for_selector("#edit")

    # Edit: focus in the title; Escape closes the form and returns to Edit.
    page.focus("#edit")
    page.keyboard.press("Enter")
    assert _active(web) == "edit-title"
    page.keyboard.press("Escape")
    assert page.locator(".edit-form").count() == 0
    assert _active(web) == "edit"
    # Save: the new title shown, focus back on Edit.
    page.keyboard.press("Enter")
    page.fill("#edit-title", f"Renamed {site.run}")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.querySelector('#image-title')?.textContent.startsWith('Renamed')")
    assert _active(web) == "edit"

    # The sizes menu: Enter opens it into the list, Escape closes it onto its button.
    page.focus("#download-more")
    page.keyboard.press("Enter")
    assert page.get_attribute("#download-more", "aria-expanded") == "true"
    page.keyboard.press("Escape")
    assert page.get_attribute("#download-more", "aria-expanded") == "false"
    assert _active(web) == "download-more"

    # Delete: confirmed, the person lands on the heading of My uploads.
    page.once("dialog", lambda dialog: dialog.accept())
    page.focus("#delete")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: url.endswith("/me"))
    page.wait_for_function("() => document.activeElement.tagName === 'H1'")
    assert page.inner_text("h1") == "My uploads"

    # Upload: files chosen, focus on Upload; Upload pressed, focus on the list of files.
    web.go("/upload")
    page.set_input_files("#file-input", files=[{"name": "kb.jpg", "mimeType": "image/jpeg",
                                                "buffer": factory.fresh_photo(500, 400)}])
    assert _active(web) == "start-upload"
    page.keyboard.press("Enter")
    assert _active(web) == "upload-list"
    page.wait_for_selector("#upload-list [data-state=ready]")


# First tile's top on 390x844 for a search with no filter chosen: 355 px before the filters
# folded (42% of the screen), 247 px after (29%: the two-row header, the title and count, the
# Filters button). The bound is a third of the screen: room for a title wrapping onto a second
# line, and far below where the filters used to push the photos.
FIRST_TILE_BOUND = 281
# Interactive elements at least this big on phones (WCAG 2.5.5, Apple's and Google's guides).
TARGET_PX = 44
# Exceptions, each with its reason: a link inside a sentence (WCAG 2.5.5 exempts inline
# targets: growing it would break the line of text), and the file input the drop zone labels
# (visually hidden on purpose; the 44 px drop zone is its target).
INLINE_OR_LABELLED = "p a, dd a, li > a:not([class]), figcaption a, #file-input"

SMALL_TARGETS = """([least, exempt]) => [...document.querySelectorAll(
    'a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])')]
  .filter((el) => !el.matches(exempt) && !el.closest('.skip-link:not(:focus)'))
  // A checkbox or radio inside its label is pressed through the whole label: that is its target.
  .map((el) => [el, ((/^(checkbox|radio)$/.test(el.type) && el.closest('label')) || el)
    .getBoundingClientRect()])
  .filter(([el, box]) => box.width > 0 && box.height > 0)
  .filter(([el, box]) => box.width < least - 0.5 || box.height < least - 0.5)
  .map(([el, box]) => `${el.id || el.getAttribute('aria-label')
    || el.textContent.trim().slice(0, 30) || el.outerHTML.slice(0, 60)}:`
    + ` ${Math.round(box.width)}x${Math.round(box.height)}`)"""


def _first_tile_top(web: Browsing) -> float:
    return float(web.page.evaluate(
        "() => document.querySelector('#results .tile').getBoundingClientRect().top"))


def test_on_a_phone_photos_come_first_and_filters_fold_behind_a_button(
    web: Browsing, site: Site, shots: Callable[[str], None]
) -> None:
    page = web.page
    page.set_viewport_size(PHONE)
    web.go(f"/?q=harbour+{site.run}")
    _results_drawn(web)
    top = _first_tile_top(web)
    print(f"first tile top at 390x844: {top:.0f} px")
    assert top < FIRST_TILE_BOUND
    assert page.get_attribute("#filters-toggle", "aria-expanded") == "false"
    assert not page.is_visible("#filter-panel")

    page.click("#filters-toggle")
    assert page.get_attribute("#filters-toggle", "aria-expanded") == "true"
    assert page.is_visible("#filter-panel")
    names = page.eval_on_selector_all(".swatch",
                                      "all => all.map(s => s.getAttribute('aria-label'))")
    assert [name.split(",")[0] for name in names] == [
        "Red", "Orange", "Yellow", "Green", "Turquoise", "Blue", "Violet", "Pink", "Brown", "Black",
        "Gray", "White"]
    assert all(name.endswith(("photo", "photos")) for name in names)
    shots("phone-filters-open")
    page.set_viewport_size(PHONE)
    page.focus("[data-facet=orientation][data-value=landscape]")
    page.keyboard.press("Escape")
    assert page.get_attribute("#filters-toggle", "aria-expanded") == "false"
    assert _active(web) == "filters-toggle"

    # Titles and contributors are on the tiles without hovering.
    assert page.eval_on_selector("#results .tile .tile-caption",
                                 "c => getComputedStyle(c).opacity") == "1"


def test_on_a_phone_the_chosen_filters_are_chips_that_remove_them(
    web: Browsing, site: Site, shots: Callable[[str], None]
) -> None:
    page = web.page
    page.set_viewport_size(PHONE)
    web.go(f"/?tags={site.run}&orientation=landscape&color=green")
    _results_drawn(web)
    labels = page.eval_on_selector_all(".active-filters a",
                                       "all => all.map(a => a.getAttribute('aria-label'))")
    assert labels == ["Remove filter: Landscape", "Remove filter: Green",
                      f"Remove filter: #{site.run}"]
    assert " ".join(page.text_content("#filters-toggle").split()) == "Filters (3)"
    shots("phone-chosen-filters")
    page.set_viewport_size(PHONE)
    page.click("[aria-label='Remove filter: Green']")
    page.wait_for_url(lambda url: "color=" not in url)
    assert "orientation=landscape" in page.url and f"tags={site.run}" in page.url
    page.wait_for_function("() => document.querySelectorAll('.active-filters a').length === 2")
    assert _active(web) == "filters-toggle"


def test_on_a_phone_every_target_is_at_least_44_px(web: Browsing, site: Site) -> None:
    page = web.page
    page.set_viewport_size(PHONE)
    small: dict[str, list[str]] = {}

    def measure(path: str, ready: str, before: Callable[[], None] = lambda: None) -> None:
        web.go(path)
        _settled(web, ready)
        before()
        found = page.evaluate(SMALL_TARGETS, [TARGET_PX, INLINE_OR_LABELLED])
        wide = page.evaluate("() => document.documentElement.scrollWidth")
        if wide > PHONE["width"]:
            found.append(f"the page is {wide} px wide")
        if found:
            small[path] = found

    measure("/", "#results .tile", lambda: page.click("#filters-toggle"))
    measure(f"/images/{site.photos[0]}", "#image-title")
    measure("/signin", ".account-form")
    measure("/signup", ".account-form")
    sign_in(web, site.owner_email, LOCAL_PASSWORD)
    measure(f"/images/{site.photos[1]}", "#edit", lambda: page.click("#edit"))
    measure("/upload", ".dropzone")
    measure("/me", ".mine-card")
    assert small == {}
    # The measure itself finds small targets: the desktop's chips are smaller than 44 px.
    page.set_viewport_size(DESKTOP)
    web.go("/")
    _settled(web, "#results .tile")
    assert page.evaluate(SMALL_TARGETS, [TARGET_PX, INLINE_OR_LABELLED])

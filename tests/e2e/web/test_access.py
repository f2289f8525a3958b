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
    """A contributor with published photos, one photo held for review, and an admin."""

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
    local_stack.token(admin_email, group="admins")
    scene = factory.fresh_scene()
    photos = [
        _publish(local_stack, owner, factory.photo(720, 480, scene=scene), f"Harbour {run}",
                 ["harbour", run]),
        _publish(local_stack, owner, factory.fresh_photo(480, 720), f"Tower {run}", ["tower", run]),
    ]
    for image_id in photos:
        assert _wait_terminal(local_stack, owner, image_id)["status"] == "ready"
    copier = local_stack.token(f"access-copier-{run}@example.test")
    held = _upload(local_stack, copier, factory.photo(800, 533, scene=scene), "image/jpeg",
                   "copy.jpg")
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
    sign_in(axe_web, site.owner_email, LOCAL_PASSWORD)
    found |= _audit(axe_web, [
        ("/upload", ".dropzone"),
        ("/me", ".mine-card"),
        (f"/images/{site.photos[1]}", "#edit"),
    ])
    axe_web.page.click("#nav-signout")
    sign_in(axe_web, site.admin_email, LOCAL_PASSWORD)
    found |= _audit(axe_web, [("/review", "#review-detail")])
    assert found == {}, "\n".join(f"{path}\n  " + "\n  ".join(lines)
                                  for path, lines in found.items())

"""Debian's Chromium, driven by Playwright, against the real local stack.

Every test can call `shots(name)` to save the page at a phone size (390x844) and a desktop
size (1440x900) under artifacts/screenshots/ (CI keeps that folder). A page that throws an
uncaught JavaScript error fails its test.
"""

from __future__ import annotations

import re
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import ROOT, LocalStack

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = ROOT / "artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}
PASSWORD = "Browser-Passw0rd!"
LAUNCH_ARGS = [
    "--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
# After a resize the grid re-flows in its ResizeObserver (run before the next frame paints),
# and an image given new `sizes` may fetch another candidate: two frames, then the images
# still loading (lazy ones below the window aside), and never longer than the 250 ms pause
# this replaced (most shots have no image to wait for and settle in two frames).
SETTLED = """() => new Promise((done) => {
  setTimeout(done, 250);
  const shown = (img) => img.loading !== 'lazy' || img.getBoundingClientRect().top < innerHeight;
  requestAnimationFrame(() => requestAnimationFrame(() => {
    const loading = [...document.images].filter((img) => !img.complete && shown(img));
    Promise.all(loading.map((img) => new Promise((loaded) => {
      img.addEventListener('load', loaded, { once: true });
      img.addEventListener('error', loaded, { once: true });
    }))).then(() => done());
  }));
})"""

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.browser]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed here (`apt-get install -y chromium`);"
                    " .ci/run installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield launched
        launched.close()


@dataclass
class Browsing:
    """One test's page, with what went wrong in it."""

    page: Any
    base_url: str
    errors: list[str] = field(default_factory=list)

    def go(self, path: str) -> None:
        """Open an app path and wait until the app has started."""
        self.page.goto(self.base_url + path)
        self.page.wait_for_selector("body[data-ready=true]")


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-")


@pytest.fixture
def web(browser: Any, local_stack: LocalStack) -> Iterator[Browsing]:
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(30_000)
    page = context.new_page()
    browsing = Browsing(page, local_stack.base_url)
    page.on("pageerror", lambda error: browsing.errors.append(str(error)))
    # The stack serves the page with the production CSP: a violation is a bug here too.
    page.on("console", lambda message: browsing.errors.append(message.text)
            if "Content Security Policy" in message.text else None)
    yield browsing
    context.close()
    assert browsing.errors == [], f"uncaught errors in the page: {browsing.errors}"


@pytest.fixture
def shots(web: Browsing, request: pytest.FixtureRequest) -> Callable[[str], None]:
    SHOTS.mkdir(parents=True, exist_ok=True)
    test = _safe(request.node.name)

    def shoot(name: str) -> None:
        page = web.page
        for label, size in (("390x844", PHONE), ("1440x900", DESKTOP)):
            page.set_viewport_size(size)
            page.evaluate("window.scrollTo(0, 0)")  # else the sticky header lands mid-page
            page.evaluate(SETTLED)  # the grid re-flowed to the new width, its images fetched
            page.screenshot(path=str(SHOTS / f"{test}-{_safe(name)}-{label}.png"), full_page=True)
        page.set_viewport_size(DESKTOP)

    return shoot


def new_email() -> str:
    """An address nobody has signed up with."""
    return f"e2e-{uuid.uuid4().hex[:10]}@example.test"


def new_name(base: str = "Ada Lovelace") -> str:
    """A public name nobody holds yet (names are unique): `base` and six digits (digits
    alone never spell a reserved word)."""
    return f"{base} {uuid.uuid4().int % 10**6:06d}"


def sign_up(
    web: Browsing, email: str, password: str = PASSWORD, name: str | None = None
) -> None:
    """Create an account through the app's own form; the local stack confirms it at once,
    and the app claims the public name (a unique "Ada Lovelace nnnnnn" unless given)."""
    name = new_name() if name is None else name
    web.go("/signup")
    web.page.fill("#name", name)
    web.page.fill("#email", email)
    web.page.fill("#password", password)
    web.page.click(".account-form button[type=submit]")
    web.page.wait_for_selector("#nav-signout")
    # Signed in; the app then claims the name and only then leaves the form.
    web.page.wait_for_url(lambda url: "/signup" not in url)


def sign_in(web: Browsing, email: str, password: str = PASSWORD) -> None:
    """Sign in through the app's form."""
    web.go("/signin")
    web.page.fill("#email", email)
    web.page.fill("#password", password)
    web.page.click(".account-form button[type=submit]")
    web.page.wait_for_selector("#nav-signout")

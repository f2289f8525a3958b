"""The session in Chromium: kept across pages and reloads in one tab, never in localStorage or
cookies, refreshed with the refresh token before the access token runs out."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from tests.e2e.web.conftest import Browsing, new_email, new_name, sign_up

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.browser]
SESSION_KEY = "stock-images.session"


def _session(web: Browsing) -> dict[str, object]:
    raw = web.page.evaluate(f"sessionStorage.getItem('{SESSION_KEY}')")
    assert raw, "no session in sessionStorage"
    return dict(json.loads(raw))


def test_the_session_survives_navigation_and_reload_and_is_never_script_readable_elsewhere(
    web: Browsing, shots: Callable[[str], None]
) -> None:
    page = web.page
    email, name = new_email(), new_name()
    sign_up(web, email, name=name)
    # WHEN the user moves around by links and reloads
    page.click("#nav-mine")
    page.wait_for_selector("h1:has-text('My uploads')")
    page.click(".brand")
    page.wait_for_selector("#result-count, .empty-state")
    page.reload()
    page.wait_for_selector("#nav-signout")
    # THEN they are still signed in as themselves (by name, not e-mail), in contributors
    assert page.inner_text("#nav-user") == name
    assert page.locator("#nav-upload").count() == 1
    # AND the tokens are only in this tab's sessionStorage (localStorage holds no token)
    stored = page.evaluate("JSON.stringify(Object.assign({}, localStorage))")
    assert _session(web)["refreshToken"] not in stored and "Token" not in stored
    assert page.evaluate("document.cookie") == ""
    assert _session(web)["groups"] == ["contributors"]
    shots("signed-in-home")


def test_an_access_token_about_to_expire_is_refreshed_before_use(web: Browsing) -> None:
    page = web.page
    sign_up(web, new_email())
    before = _session(web)
    # GIVEN an access token that expires in 30 seconds
    page.evaluate(f"""() => {{
      const s = JSON.parse(sessionStorage.getItem('{SESSION_KEY}'));
      s.expiresAt = Date.now() + 30000;
      sessionStorage.setItem('{SESSION_KEY}', JSON.stringify(s));
    }}""")
    targets: list[str] = []
    page.on("request", lambda r: targets.append(
        f"{r.headers.get('x-amz-target', '')} {r.post_data or ''}"))
    page.reload()
    page.wait_for_selector("#nav-signout")
    # WHEN the app next calls the API for the user
    page.click("#nav-mine")
    page.wait_for_selector("h1:has-text('My uploads')")
    page.wait_for_selector(".mine-list, .notice")
    # THEN it refreshed first, and the API accepted the new token
    refreshes = [t for t in targets if "InitiateAuth" in t and "REFRESH_TOKEN_AUTH" in t]
    assert len(refreshes) == 1
    after = _session(web)
    assert after["accessToken"] != before["accessToken"]
    ten_minutes_ahead = page.evaluate("Date.now() + 10 * 60 * 1000")
    assert int(str(after["expiresAt"])) > ten_minutes_ahead
    assert page.locator(".notice.error").count() == 0

"""Uploads that can be stopped and recovered (issue 19 items 2 and 3) in Chromium: a description
with the title and tags; Cancel aborts the transfer and withdraws the grant, Remove takes a file off
the list; leaving while bytes are sent asks first; an upload that never arrived is "Upload
interrupted" in My uploads with Retry and Remove; a session that ends while files wait asks to sign
in again in place and carries on with the same files; a rejected photo's page says why, no Edit.

Transfers are held in flight by intercepting the presigned POST to storage (page.route) and never
answering it until the test says so. The session is ended for real: GlobalSignOut (as another
device of the same user would) revokes the refresh token, and the browser's clock is moved past
the access token's expiry, so the app's next call finds the session gone."""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable
from typing import Any

import pytest
import requests

from tests.e2e.conftest import LocalStack
from tests.e2e.web.conftest import PASSWORD, PHONE, Browsing, new_email, sign_up
from tests.images import factory

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.browser]
SESSION_KEY = "stock-images.session"
TARGET = "AWSCognitoIdentityProviderService."


def _jpeg(name: str) -> dict[str, Any]:
    return {"name": name, "mimeType": "image/jpeg",
            "buffer": factory.fresh_photo(640, 480, "jpeg", 90)}


def _card(web: Browsing, name: str) -> Any:
    return web.page.locator(f".upload-card[data-file='{name}']")


def _state(web: Browsing, name: str, *states: str) -> None:
    wanted = ", ".join(f"[data-state={s}]" for s in states)
    web.page.wait_for_selector(f".upload-card[data-file='{name}']:is({wanted})", timeout=60_000)


class HeldUploads:
    """Every presigned POST to storage (no other POST goes elsewhere than /api and the Cognito
    proxy) waits until released, or forever when the page closes first."""

    def __init__(self, page: Any) -> None:
        self.held: list[Any] = []
        page.route("**/*", self._maybe_hold)

    def _maybe_hold(self, route: Any) -> None:
        request = route.request
        ours = "/api/" in request.url or "/local/cognito" in request.url
        if request.method == "POST" and not ours:
            self.held.append(route)
        else:
            route.fallback()

    def wait_for(self, page: Any, count: int) -> None:
        """Until `count` transfers are held (route handlers run while Playwright waits)."""
        deadline = time.monotonic() + 20
        while len(self.held) < count:
            assert time.monotonic() < deadline, f"{len(self.held)} of {count} transfers held"
            page.wait_for_timeout(50)

    def release(self) -> None:
        for route in self.held:
            with contextlib.suppress(Exception):  # the browser already gave up on it
                route.abort()


def _session(page: Any) -> dict[str, Any]:
    return dict(json.loads(page.evaluate(f"sessionStorage.getItem('{SESSION_KEY}')")))


def _mine(stack: LocalStack, page: Any) -> list[dict[str, Any]]:
    token = _session(page)["accessToken"]
    answer = requests.get(f"{stack.base_url}/api/me/images",
                          headers={"Authorization": f"Bearer {token}"}, timeout=30)
    answer.raise_for_status()
    return list(answer.json()["results"])


def test_description_cancel_remove_leaving_and_a_rejected_photo(
    web: Browsing, local_stack: LocalStack, shots: Callable[[str], None],
) -> None:
    page = web.page
    sign_up(web, new_email())
    web.go("/upload")
    broken = {"name": "broken.jpg", "mimeType": "image/jpeg", "buffer": b"not a photo" * 100}
    page.set_input_files("#file-input", [_jpeg("keep.jpg"), broken])
    _card(web, "keep.jpg").locator("textarea[name=description]").fill("Morning light on the pier.")
    page.click("#start-upload")
    _state(web, "keep.jpg", "ready")
    _state(web, "broken.jpg", "rejected")
    # GIVEN one more file whose bytes are on their way (held in flight)
    held = HeldUploads(page)
    page.set_input_files("#file-input", [_jpeg("stop.jpg")])
    page.click("#start-upload")
    page.wait_for_function("() => document.querySelector(\"[data-file='stop.jpg']\")"
                           "?.dataset.state === 'uploading'")
    held.wait_for(page, 1)
    # WHEN the user tries to leave while bytes are being sent THEN the browser asks first
    asked: list[str] = []

    def stay(dialog: Any) -> None:
        asked.append(dialog.type)
        dialog.dismiss()

    page.once("dialog", stay)
    page.close(run_before_unload=True)
    page.wait_for_function("() => true")  # the page stayed: it still answers
    assert asked == ["beforeunload"]
    # WHEN they cancel the held file THEN its transfer stops and its grant is withdrawn
    _card(web, "stop.jpg").locator(".upload-cancel").click()
    page.wait_for_selector(".upload-card[data-file='stop.jpg'] :text('nothing was kept')")
    assert not _card(web, "stop.jpg").locator(".upload-cancel").is_visible()
    assert not page.is_visible("#sign-in-again")
    held.release()
    titles = {i["title"]: i for i in _mine(local_stack, page)}
    assert "Stop" not in titles, "the cancelled file's grant is still pending"
    assert titles["Keep"]["description"] == "Morning light on the pier."
    shots("cancelled-and-done")
    # AND Remove takes the cancelled file off the list
    _card(web, "stop.jpg").locator(".upload-remove").click()
    assert _card(web, "stop.jpg").count() == 0
    # THEN the rejected photo's page says why, and offers Delete but no Edit
    web.go(f"/images/{titles['Broken']['id']}")
    page.wait_for_selector("#image-status")
    assert "Why it was rejected" in page.inner_text("#image-status")
    assert "not an image we can read" in page.inner_text("#image-status")
    assert page.locator("#edit").count() == 0 and page.locator("#delete").count() == 1
    shots("rejected-page")
    web.go(f"/images/{titles['Keep']['id']}")
    page.wait_for_selector(".description:has-text('Morning light on the pier.')")


def test_an_interrupted_upload_shows_in_my_uploads_with_retry_and_remove(
    web: Browsing, shots: Callable[[str], None],
) -> None:
    page = web.page
    sign_up(web, new_email())
    held = HeldUploads(page)
    web.go("/upload")
    page.set_input_files("#file-input", [_jpeg("lost.jpg"), _jpeg("gone.jpg")])
    page.click("#start-upload")
    _state(web, "lost.jpg", "uploading")
    _state(web, "gone.jpg", "uploading")
    held.wait_for(page, 2)
    # GIVEN the connection drops mid-upload and the tab is closed (another tab of the session
    # stays open). A held request still paused when its page closes is let go by Chromium, so
    # the transfers are failed first, as a dropped connection fails them.
    later = page.context.new_page()
    later.clock.install(time=time.time() + 15 * 60)  # past the upload links' expiry (5 min)
    later.goto(web.base_url + "/me")
    later.wait_for_selector("#nav-signout")
    held.release()
    _state(web, "lost.jpg", "error")
    _state(web, "gone.jpg", "error")
    page.close()
    later.reload()
    # THEN My uploads says "Upload interrupted" with Retry and Remove, not "Being processed"
    later.wait_for_selector(".mine-card[data-interrupted=true] >> nth=1")
    cards = later.locator(".mine-card[data-interrupted=true]")
    assert "Upload interrupted" in cards.first.inner_text()
    assert later.locator("text=Being processed").count() == 0
    web.page = later
    shots("interrupted")
    # WHEN one is removed THEN it is gone
    gone = later.locator(".mine-card:has-text('Gone')")
    gone.locator("button:has-text('Remove')").click()
    later.wait_for_function("() => !document.querySelector('.mine-card[data-interrupted=true]"
                            " .mine-title') || [...document.querySelectorAll('.mine-title')]"
                            ".every(t => t.textContent !== 'Gone')")
    # WHEN the other is retried with its file THEN it uploads and is processed
    later.unroute("**/*")
    later.clock.set_system_time(time.time())  # back to now: the new upload is not interrupted
    later.set_input_files("input[aria-label='Choose the file of Lost again']", [_jpeg("lost.jpg")])
    later.wait_for_selector(".mine-card[data-status=ready]:has-text('Lost')", timeout=60_000)
    assert later.locator(".mine-card[data-interrupted=true]").count() == 0
    assert later.locator(".mine-card").count() == 1


def test_a_session_ending_mid_upload_asks_to_sign_in_in_place_and_carries_on(
    web: Browsing, local_stack: LocalStack, shots: Callable[[str], None],
) -> None:
    page = web.page
    page.set_viewport_size(PHONE)
    email = new_email()
    sign_up(web, email)
    web.go("/upload")
    page.set_input_files("#file-input", [_jpeg("first.jpg"), _jpeg("second.jpg")])
    # GIVEN the session ends: signed out everywhere from another device, the token expired
    session = _session(page)
    signed_out = requests.post(
        f"{local_stack.base_url}/local/cognito",
        data=json.dumps({"AccessToken": session["accessToken"]}),
        headers={"Content-Type": "application/x-amz-json-1.1",
                 "X-Amz-Target": TARGET + "GlobalSignOut"},
        timeout=30)
    assert signed_out.status_code == 200, signed_out.text
    page.clock.install(time=session["expiresAt"] / 1000 + 120)
    # WHEN the upload starts THEN the page asks to sign in again, in place, the files kept
    page.click("#start-upload")
    page.wait_for_selector("#resignin[open]")
    page.clock.set_system_time(time.time())  # back to now: the new tokens are fresh
    assert page.input_value("#resignin-email") == email
    assert _card(web, "first.jpg").get_attribute("data-state") == "signed-out"
    assert page.locator(".upload-card button:has-text('Retry'):visible").count() == 0
    assert page.locator(".upload-card .upload-cancel:visible").count() == 0
    shots("sign-in-again")
    page.fill("#resignin-password", PASSWORD)
    page.click("#resignin button[type=submit]")
    # THEN the same files carry on to the end
    _state(web, "first.jpg", "ready")
    _state(web, "second.jpg", "ready")
    assert page.locator("#resignin").count() == 0
    page.wait_for_selector("#nav-signout")

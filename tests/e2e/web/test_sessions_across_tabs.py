"""Sessions as people expect them (issue 19 item 2) in Chromium: a new tab is signed in while
another is open and signing out in one signs out all; "Keep me signed in" survives a browser
restart (a new context with the same storage) and only when ticked; "Forgot password?" end to end
with the code the local stack prints in its log; password rules shown and named."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import pytest

from tests.e2e.conftest import LocalStack
from tests.e2e.web.conftest import (
    DESKTOP,
    PASSWORD,
    PHONE,
    Browsing,
    new_email,
    new_name,
    sign_in,
    sign_up,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.browser]
KEPT_KEY = "stock-images.kept"


def _signed_out(web: Browsing) -> None:
    web.page.click("#nav-signout")
    web.page.wait_for_selector("#nav-signin")


def _ready(page: Any, base_url: str, path: str = "/") -> None:
    page.goto(base_url + path)
    page.wait_for_selector("body[data-ready=true]")


def test_a_new_tab_is_signed_in_and_signing_out_in_one_tab_signs_out_all(
    web: Browsing, shots: Callable[[str], None],
) -> None:
    name = new_name()
    sign_up(web, new_email(), name=name)
    # WHEN the user opens the site in a new tab (nothing in that tab's sessionStorage)
    second = web.page.context.new_page()
    second.set_viewport_size(PHONE)
    _ready(second, web.base_url, "/me")
    # THEN the open tab handed it the session: signed in, their name in the header
    second.wait_for_selector("#nav-signout")
    second.wait_for_selector("h1:has-text('My uploads')")
    assert second.locator("text=Sign in to see your photos").count() == 0
    assert web.page.inner_text("#nav-user") == name
    # WHEN they sign out in the new tab THEN the first tab is signed out too
    second.click("#nav-signout")
    second.wait_for_selector("#nav-signin")
    web.page.wait_for_selector("#nav-signin")
    assert web.page.evaluate("sessionStorage.getItem('stock-images.session')") is None
    second.close()
    shots("signed-out-everywhere")


def test_keep_me_signed_in_survives_a_restart_only_when_ticked(
    web: Browsing, browser: Any, shots: Callable[[str], None],
) -> None:
    email = new_email()
    sign_up(web, email)
    _signed_out(web)

    def restarted() -> Any:
        """A browser restart: a new context with the same localStorage, no sessionStorage."""
        context = browser.new_context(viewport=DESKTOP,
                                      storage_state=web.page.context.storage_state())
        page = context.new_page()
        _ready(page, web.base_url)
        return context, page

    # GIVEN a sign-in without the box ticked THEN a restart is signed out
    sign_in(web, email)
    assert web.page.evaluate(f"localStorage.getItem('{KEPT_KEY}')") is None
    context, page = restarted()
    assert page.locator("#nav-signin").count() == 1
    context.close()
    _signed_out(web)
    # GIVEN a sign-in with "Keep me signed in" ticked (off by default)
    web.go("/signin")
    assert not web.page.is_checked("#keep")
    shots("sign-in-form")
    web.page.fill("#email", email)
    web.page.fill("#password", PASSWORD)
    web.page.check("#keep")
    web.page.click(".account-form button[type=submit]")
    web.page.wait_for_selector("#nav-signout")
    kept = web.page.evaluate(f"localStorage.getItem('{KEPT_KEY}')")
    assert kept and "accessToken" not in kept  # the refresh token alone
    # THEN a restart is signed in
    context, page = restarted()
    page.wait_for_selector("#nav-signout")
    context.close()
    # AND signing out forgets it
    _signed_out(web)
    assert web.page.evaluate(f"localStorage.getItem('{KEPT_KEY}')") is None


def _reset_code(stack: LocalStack, email: str) -> str:
    """The code in the stack's log, read as a developer reads it (it may take a moment)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        found = re.findall(rf"password reset code for {re.escape(email)}: (\d{{6}})",
                           stack.log_text())
        if found:
            return str(found[-1])
        time.sleep(0.1)
    raise AssertionError(f"no reset code for {email} in the stack's log")


def test_forgot_password_end_to_end_with_the_code_from_the_stack_s_log(
    web: Browsing, local_stack: LocalStack, shots: Callable[[str], None],
) -> None:
    page = web.page
    email = new_email()
    sign_up(web, email)
    _signed_out(web)
    # WHEN the user forgets their password and asks for a code
    web.go("/signin?next=/me")
    page.click("#forgot-link")
    page.fill("#email", email)
    page.click(".account-form button[type=submit]")
    page.wait_for_selector("#code-sent")
    code = _reset_code(local_stack, email)
    # THEN the rules are listed and tick as they type
    page.fill("#code", code)
    page.fill("#password", "newpassword")
    assert page.get_attribute("[data-rule=lower]", "data-met") == "true"
    assert page.get_attribute("[data-rule=upper]", "data-met") == "false"
    shots("new-password-rules")
    # AND a password breaking a rule is refused naming the rule (not Cognito's words)
    page.click(".account-form button[type=submit]")
    page.wait_for_selector("#form-error:not([hidden])")
    assert "an upper-case letter (A\u2013Z)" in page.inner_text("#form-error")
    # AND a wrong code is refused in plain words
    page.fill("#code", "000000" if code != "000000" else "111111")
    page.fill("#password", "New-Passw0rd-2")
    page.click(".account-form button[type=submit]")
    page.wait_for_selector("#form-error:has-text('code is not right')")
    # WHEN the right code and a good password are sent THEN signed in, where they were going
    page.fill("#code", code)
    page.click(".account-form button[type=submit]")
    page.wait_for_selector("#nav-signout")
    page.wait_for_url(re.compile(r"/me$"))
    # AND the new password is the one that works
    _signed_out(web)
    sign_in(web, email, "New-Passw0rd-2")


def test_sign_up_lists_the_password_rules_and_names_the_broken_one(
    web: Browsing, shots: Callable[[str], None],
) -> None:
    page = web.page
    web.go("/signup")
    page.fill("#name", new_name())
    page.fill("#email", new_email())
    page.fill("#password", "Short1")
    rules = page.locator("#password-rules li")
    assert rules.count() == 4
    assert page.get_attribute("[data-rule=length]", "data-met") == "false"
    page.click(".account-form button[type=submit]")
    page.wait_for_selector("#form-error:not([hidden])")
    assert "at least 10 characters" in page.inner_text("#form-error")
    assert page.locator("#nav-signout").count() == 0
    shots("sign-up-rules")

"""The "Your public name" form: the sign-up name is held, a new one saved, a reserved one
refused in plain words (Chromium against the local stack)."""

from __future__ import annotations

from collections.abc import Callable

from tests.e2e.web.conftest import Browsing, new_email, new_name, sign_up

LOADED = ".account-form[data-loaded=true]"  # the saved name has been read from the API


def _save(web: Browsing, name: str) -> None:
    web.page.fill("#display-name", name)
    web.page.click(".account-form button[type=submit]")


def test_a_contributor_renames_and_a_staff_look_alike_is_refused_in_words(
    web: Browsing, shots: Callable[[str], None],
) -> None:
    page = web.page
    # GIVEN a new contributor: the app claimed the name given at sign-up
    first = new_name("Marie Curie")
    sign_up(web, new_email(), name=first)
    page.click("#nav-account")
    page.wait_for_selector(LOADED)
    assert page.input_value("#display-name") == first
    assert "Not saved yet" not in page.inner_text("#display-name-status")
    # WHEN they ask for a name that reads as the site's staff (a Cyrillic capital A, "dm1n")
    _save(web, "\u0410dm1n Team")
    # THEN it is refused in words, with the reason, and nothing was saved
    error = page.wait_for_selector("#form-error:not([hidden])")
    assert error.get_attribute("data-code") == "display_name_reserved"
    assert "mistaken for the site's own staff" in error.inner_text()
    shots("reserved-refused")
    # WHEN they choose a name of their own
    second = new_name("Marie S. Curie")
    _save(web, second)
    # THEN it is saved, and the account page shows it after a reload
    page.wait_for_selector("#display-name-status:has-text('Saved')")
    assert page.is_hidden("#form-error")
    web.go("/account")
    page.wait_for_selector(LOADED)
    assert page.input_value("#display-name") == second
    # WHEN someone else signs up under the first name (still the first contributor's)
    page.click("#nav-signout")
    page.wait_for_selector("#nav-signin")
    sign_up(web, new_email(), name=first.upper())
    # THEN the account is made, and its page says in words why the name was not accepted
    page.wait_for_selector(LOADED)
    assert page.url.endswith("/account")
    error = page.locator("#form-error")
    assert f"Another contributor already goes by “{first.upper()}”" in error.inner_text()
    assert "Not saved yet" in page.inner_text("#display-name-status")  # nothing held yet

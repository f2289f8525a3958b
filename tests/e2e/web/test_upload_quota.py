"""The upload page shows the quota in plain words, and a grant a quota refuses says, on its
file's card, why and when to try again (never a raw code)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from tests.e2e.web.conftest import Browsing, new_email, sign_up
from tests.images import factory

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.browser]

# Take every pending slot through the app's own API module (same session as the page).
FILL_PENDING = """async () => {
  const { api } = await import('/js/api.js');
  const body = { filename: 'filler.jpg', content_type: 'image/jpeg', size: 1000, title: 'Filler' };
  for (let n = 0; n < 200; n += 1) {
    try { await api('/uploads', { method: 'POST', body }); } catch (error) { return error.code; }
  }
  return 'never refused';
}"""


def test_a_full_pending_quota_is_shown_and_explained_per_file(
    web: Browsing, shots: Callable[[str], None]
) -> None:
    page = web.page
    sign_up(web, new_email())
    web.go("/upload")
    quota = page.locator("#upload-quota")
    page.wait_for_function("() => document.querySelector('#upload-quota').textContent")
    assert re.fullmatch(r"You can start \d+ more uploads now; \d+ left today\.",
                        quota.text_content() or "")

    assert page.evaluate(FILL_PENDING) == "too_many_pending"
    web.go("/upload")
    page.wait_for_function("() => document.querySelector('#upload-quota').textContent")
    assert (quota.text_content() or "").startswith("You cannot start another upload right now;")

    page.set_input_files("#file-input", [{"name": "late.jpg", "mimeType": "image/jpeg",
                                           "buffer": factory.fresh_photo(320, 240, "jpeg", 90)}])
    page.click("#start-upload")
    card = page.locator(".upload-card[data-file='late.jpg']")
    page.wait_for_selector(".upload-card[data-state=limited]")
    status = card.locator(".upload-status").text_content() or ""
    assert "too many of your uploads are still waiting" in status
    assert re.search(r"Try this one again in \d+ (second|minute)s? \(around ", status), status
    assert "too_many_pending" not in status
    shots("limited")

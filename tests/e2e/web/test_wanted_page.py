"""Searches that found nothing, made through the API, appear on the contributors' page
"What people look for and can't find", reached from the upload page."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

import pytest

from tests.e2e.web.conftest import Browsing, new_email, sign_up

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.browser]

# The counter writes in the background (WANTED_FLUSH_SECONDS, 10 s by default).
FLUSH_WAIT_SECONDS = 60

SEARCH = """async (q) => {
  const { api } = await import('/js/api.js');
  const answer = await api(`/search?q=${encodeURIComponent(q)}&per_page=5`);
  return answer.total;
}"""


def _listed(web: Browsing, query: str) -> bool:
    web.go("/wanted")
    web.page.wait_for_selector("#wanted, #wanted-empty")
    return web.page.locator(f"#wanted tr[data-query='{query}']").count() == 1


def test_searches_with_no_results_are_listed_for_contributors(
    web: Browsing, shots: Callable[[str], None]
) -> None:
    page = web.page
    sign_up(web, new_email())
    # GIVEN two searches for words no photo has (and operators the list leaves out)
    word = "qz" + uuid.uuid4().hex[:10]
    query = f"{word} lighthouse"
    web.go("/")
    assert page.evaluate(SEARCH, f"{word.upper()} Lighthouse tags:nothing") == 0
    assert page.evaluate(SEARCH, query) == 0
    # WHEN a contributor follows the link on the upload page
    web.go("/upload")
    page.click("#wanted-link")
    page.wait_for_url("**/wanted")
    assert page.locator("h1").text_content() == "What people look for and can't find"
    # THEN once the counter has written, the query is listed with both searches
    deadline = time.monotonic() + FLUSH_WAIT_SECONDS
    while not _listed(web, query):
        assert time.monotonic() < deadline, "the searches never appeared on /wanted"
        page.wait_for_timeout(300)  # the counter flushes every second (WANTED_FLUSH_SECONDS)
    row = page.locator(f"#wanted tr[data-query='{query}']")
    cells = [c.strip() for c in row.locator("th, td").all_text_contents()]
    assert cells[0] == query and cells[1] == "2"
    assert "last 30 days" in (page.locator("#wanted caption").text_content() or "")
    assert row.locator("a").get_attribute("href") == f"/?q={word}+lighthouse"
    shots("listed")

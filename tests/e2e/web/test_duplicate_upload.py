"""A contributor who uploads the same photo again, in the browser: the second file's card says
it was rejected because they already uploaded it, and links to the photo they have."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.e2e.web.conftest import Browsing, new_email, sign_up
from tests.images import factory

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.browser]


def _upload_in_page(web: Browsing, name: str, data: bytes) -> None:
    web.go("/upload")
    web.page.set_input_files("#file-input", [{"name": name, "mimeType": "image/jpeg",
                                               "buffer": data}])
    web.page.click("#start-upload")
    web.page.wait_for_selector(
        f".upload-card[data-file='{name}']:is([data-state=ready], [data-state=rejected])",
        timeout=60_000)


def test_the_same_photo_again_is_rejected_with_a_link_to_the_first(
    web: Browsing, shots: Callable[[str], None]
) -> None:
    page = web.page
    sign_up(web, new_email())
    scene = factory.fresh_scene()
    _upload_in_page(web, "harbour.jpg", factory.photo(1200, 900, scene=scene))
    first = page.locator(".upload-card[data-file='harbour.jpg']")
    assert first.get_attribute("data-state") == "ready"
    first_href = first.locator("a").first.get_attribute("href")

    # WHEN the same picture comes again, smaller and recompressed
    _upload_in_page(web, "harbour-small.jpg", factory.photo(600, 450, "jpeg", 80, scene=scene))
    again = page.locator(".upload-card[data-file='harbour-small.jpg']")
    assert again.get_attribute("data-state") == "rejected"
    assert "Rejected: You already uploaded this photo." in again.inner_text()
    link = again.locator("a.duplicate-of")
    assert link.get_attribute("href") == first_href
    shots("duplicate")
    link.click()
    page.wait_for_url(f"**{first_href}")
    # THEN the photo page of the first, ready one (no status notice) with its picture
    page.wait_for_selector("article.photo-page")
    assert page.locator("#image-status").count() == 0
    assert page.locator("article.photo-page .photo-frame.missing").count() == 0

"""Moderation set to `new_contributors`, end to end through the web app on a stack of its own
(`make run MODERATION=new_contributors`): a newcomer's first photos wait for review and stay
out of search, an admin approves them from the review page, and the newcomer's next photo is
published straight away."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator

import pytest
import requests

from tests.e2e.conftest import LocalStack, running_stack
from tests.e2e.web.conftest import Browsing, new_email, sign_in, sign_up
from tests.images import factory

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.browser]

LOCAL_PASSWORD = "Local-Passw0rd!"  # what infra/local/token.py gives the users it makes
REVIEWED_PHOTOS = 2


@pytest.fixture(scope="module")
def local_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    """This module's own stack (the shared one runs with moderation off)."""
    settings = {"MODERATION": "new_contributors",
                "MODERATION_NEW_CONTRIBUTOR_PHOTOS": str(REVIEWED_PHOTOS)}
    with running_stack(tmp_path_factory.mktemp("moderated"), settings=settings) as stack:
        yield stack


def _upload_in_page(web: Browsing, names: list[str]) -> list[str]:
    """Upload fresh pictures through the upload page; each card's final words."""
    web.go("/upload")
    web.page.set_input_files("#file-input", [
        {"name": name, "mimeType": "image/jpeg", "buffer": factory.fresh_photo(900, 600)}
        for name in names])
    web.page.click("#start-upload")
    states = "[data-state=ready], [data-state=in_review], [data-state=rejected]"
    for name in names:
        web.page.wait_for_selector(f".upload-card[data-file='{name}']:is({states})",
                                   timeout=90_000)
    return [web.page.inner_text(f".upload-card[data-file='{name}'] .upload-status")
            for name in names]


def _found(stack: LocalStack, words: str) -> int:
    answer = requests.get(f"{stack.base_url}/api/search", params={"q": words}, timeout=30)
    return int(answer.json()["total"])


def _eventually_found(stack: LocalStack, words: str, count: int) -> None:
    for _ in range(100):
        if _found(stack, words) == count:
            return
        time.sleep(0.2)
    assert _found(stack, words) == count


def test_a_newcomer_is_reviewed_first_then_published_directly(
    web: Browsing, local_stack: LocalStack, shots: Callable[[str], None]
) -> None:
    page = web.page
    word = f"heron{uuid.uuid4().hex[:8]}"  # the upload page makes titles from file names
    newcomer = new_email()
    sign_up(web, newcomer)
    # WHEN a newcomer uploads their first photos
    first = _upload_in_page(web, [f"{word}.jpg", f"{word}-2.jpg"])
    # THEN both wait for review, and nobody finds them
    assert all(words.startswith("Waiting for review") for words in first), first
    shots("held")
    assert _found(local_stack, word) == 0

    # WHEN an admin opens the review page and approves both by keyboard
    page.click("#nav-signout")
    admin = f"admin-{newcomer}"
    local_stack.token(admin, group="admins")
    sign_in(web, admin, LOCAL_PASSWORD)
    page.wait_for_function("() => document.querySelector('#review-count').textContent === '2'")
    web.go("/review")
    for _ in range(REVIEWED_PHOTOS):
        page.wait_for_selector("#review-detail")
        shown = page.get_attribute("#review-detail", "data-id")
        assert "New contributor" in page.inner_text("#review-reasons")
        page.keyboard.press("a")
        page.keyboard.press("Enter")
        page.wait_for_selector(f"#review-list > li[data-id='{shown}']", state="detached")

    # THEN both are public, and the newcomer's next photo is published straight away
    _eventually_found(local_stack, word, REVIEWED_PHOTOS)
    page.click("#nav-signout")
    sign_in(web, newcomer)
    (third,) = _upload_in_page(web, ["third.jpg"])
    assert third.startswith("Ready"), third
    shots("published")

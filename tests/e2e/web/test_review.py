"""The review page in Chromium: an admin works the queue by keyboard, a non-admin is refused,
and the report control counts. The shared stack runs with MODERATION off (other tests expect
their photos ready), so photos are held the other way the issue allows: three people report a
ready photo and it goes back to review."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.e2e.conftest import LocalStack
from tests.e2e.test_local_stack import _upload, _wait_terminal
from tests.e2e.web.conftest import Browsing, new_email, sign_in, sign_up
from tests.images import factory

LOCAL_PASSWORD = "Local-Passw0rd!"  # what infra/local/token.py gives the users it makes
SEARCH_WAIT_SECONDS = 20


@dataclass
class Held:
    """Photos of one owner: `held` sent to review by three reports, `nearly` reported twice,
    `ready` reported by nobody; the tokens of the people involved."""

    run: str
    owner_email: str
    owner: str
    admin_email: str
    admin: str
    held: dict[str, str]  # title -> id
    nearly: str
    ready: str
    reporters: list[str]
    uploaded: dict[str, bytes]  # id -> the bytes the owner sent


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _report(stack: LocalStack, token: str, image_id: str, reason: str, note: str = "") -> None:
    response = requests.post(f"{stack.base_url}/api/images/{image_id}/report", timeout=30,
                             json={"reason": reason, "note": note}, headers=_auth(token))
    assert response.status_code == 202, response.text


def _ready_photos(stack: LocalStack, token: str, pictures: dict[str, bytes]) -> list[str]:
    ids = [_upload(stack, token, data, "image/jpeg", f"p{i}.jpg")
           for i, data in enumerate(pictures.values())]
    for image_id, title in zip(ids, pictures, strict=True):
        requests.patch(f"{stack.base_url}/api/images/{image_id}", json={"title": title},
                       headers=_auth(token), timeout=30).raise_for_status()
        assert _wait_terminal(stack, token, image_id)["status"] == "ready"
    return ids


def _copied_by_someone_else(stack: LocalStack, run: str, scene: int) -> str:
    """Another contributor uploads the same picture at another size: ingest holds it for
    review as a possible duplicate of the original, whatever the moderation setting."""
    copier = stack.token(f"copier-{run}@example.test")
    image_id = _upload(stack, copier, factory.photo(800, 600, scene=scene), "image/jpeg",
                       "mine-honest.jpg")
    assert _wait_terminal(stack, copier, image_id)["status"] == "in_review"
    return image_id


@pytest.fixture(scope="module")
def held(local_stack: LocalStack) -> Held:
    run = uuid.uuid4().hex[:8]
    owner_email, admin_email = f"owner-{run}@example.test", f"moderator-{run}@example.test"
    owner = local_stack.token(owner_email)
    admin = local_stack.token(admin_email, group="admins")
    reporters = [local_stack.token(f"reporter{i}-{run}@example.test", group="none")
                 for i in range(3)]
    untouched_scene = factory.fresh_scene()
    pictures = {f"Approve me {run}": factory.fresh_photo(640, 480),
                f"Reject me {run}": factory.fresh_photo(656, 480),
                f"Nearly {run}": factory.fresh_photo(672, 480),
                f"Untouched {run}": factory.photo(688, 480, scene=untouched_scene)}
    approve, reject, nearly, untouched = _ready_photos(local_stack, owner, pictures)
    for image_id in (approve, reject):
        for token, reason in zip(reporters, ("copyright", "copyright", "spam"), strict=True):
            note = "Seen on another site" if reason == "spam" else ""
            _report(local_stack, token, image_id, reason, note)
    for token in reporters[:2]:
        _report(local_stack, token, nearly, "offensive")
    contested = _copied_by_someone_else(local_stack, run, untouched_scene)
    held = {f"Approve me {run}": approve, f"Reject me {run}": reject, "Contested": contested}
    uploaded = dict(zip((approve, reject, nearly, untouched), pictures.values(), strict=True))
    return Held(run, owner_email, owner, admin_email, admin, held, nearly, untouched, reporters,
                uploaded)


def _status(stack: LocalStack, token: str, image_id: str) -> dict[str, Any]:
    response = requests.get(f"{stack.base_url}/api/images/{image_id}", headers=_auth(token),
                            timeout=30)
    return dict(response.json())


def _select(web: Browsing, image_id: str) -> None:
    """Move the selection with j until `image_id` is shown (the queue is oldest first)."""
    for _ in range(web.page.locator("#review-list > li").count()):
        if web.page.get_attribute("#review-detail", "data-id") == image_id:
            return
        web.page.keyboard.press("j")
    assert web.page.get_attribute("#review-detail", "data-id") == image_id


def _gone(web: Browsing, image_id: str) -> None:
    web.page.wait_for_selector(f"#review-list > li[data-id='{image_id}']", state="detached")


def _eventually_found(stack: LocalStack, word: str, image_id: str) -> None:
    deadline = time.monotonic() + SEARCH_WAIT_SECONDS
    while True:
        found = requests.get(f"{stack.base_url}/api/search", params={"q": word}, timeout=30).json()
        ids = [hit["id"] for hit in found["results"]]
        if image_id in ids or time.monotonic() > deadline:
            assert image_id in ids, f"{image_id} not found by {word!r}: {ids}"
            return
        time.sleep(0.3)


def test_an_admin_approves_and_rejects_by_keyboard_and_the_owner_sees_the_words(
    web: Browsing, held: Held, local_stack: LocalStack, shots: Callable[[str], None],
    tmp_path: Path,
) -> None:
    page = web.page
    approve, reject, contested = held.held.values()
    sign_in(web, held.admin_email, LOCAL_PASSWORD)
    page.wait_for_function("() => document.querySelector('#review-count').textContent !== ''")
    assert int(page.inner_text("#review-count").rstrip("+")) >= 3
    web.go("/review?per_page=2")
    page.wait_for_selector("#review-detail")
    assert page.locator("#review-list > li").count() == 2
    while page.locator("#review-more").count():  # paging with the cursor until all are listed
        listed = page.locator("#review-list > li").count()
        page.click("#review-more")
        page.wait_for_function("n => document.querySelectorAll('#review-list > li').length > n",
                               arg=listed)
    entry = page.locator(f"#review-list > li[data-id='{approve}']")
    assert "Reported 3 times: copyright \u00d72, spam" in entry.inner_text()
    _select(web, approve)
    assert "Seen on another site" in page.inner_text("#review-reasons")
    page.wait_for_function("() => document.querySelector('#review-detail img').naturalWidth > 0")
    shots("queue")
    page.keyboard.press("a")
    page.keyboard.press("Enter")
    _gone(web, approve)
    _eventually_found(local_stack, held.run, approve)

    _select(web, reject)
    page.keyboard.press("r")
    assert page.evaluate("document.activeElement.id") == "review-reason"
    words = f"This picture belongs to a museum ({uuid.uuid4().hex[:6]})"
    page.keyboard.type(words)
    shots("reject")
    page.keyboard.press("Enter")
    _gone(web, reject)

    _select(web, contested)
    assert "Possible duplicate of this photo" in page.inner_text("#review-reasons")
    page.wait_for_function("() => document.querySelector('#review-original img')?.naturalWidth > 0")
    assert page.locator(".review-compare.side-by-side figure").count() == 2
    assert page.get_attribute("#review-original a", "href") == f"/images/{held.ready}"
    shots("duplicate")
    requests.post(f"{local_stack.base_url}/api/review/{contested}", json={"decision": "approve"},
                  headers=_auth(held.admin), timeout=30).raise_for_status()
    page.keyboard.press("a")
    page.keyboard.press("Enter")
    page.wait_for_selector(".toast:has-text('Someone already decided this photo')")
    _gone(web, contested)

    page.click("#nav-signout")
    sign_in(web, held.owner_email, LOCAL_PASSWORD)
    web.go(f"/images/{reject}")
    assert words in page.inner_text("#image-status")
    assert _status(local_stack, held.owner, reject)["reason"] == "moderation"
    # THEN the photo is no longer shown from its withdrawn renditions, and the owner can
    # still take back exactly the file they sent
    assert page.locator(".photo-frame img").count() == 0
    assert _status(local_stack, held.owner, reject)["renditions"] == {}
    shots("rejected-owner")
    with page.expect_download() as started:
        page.click("#download-original")
    target = tmp_path / started.value.suggested_filename
    started.value.save_as(target)
    assert target.read_bytes() == held.uploaded[reject]


def test_someone_who_is_not_an_admin_is_refused_and_their_reports_count(
    web: Browsing, held: Held, local_stack: LocalStack, shots: Callable[[str], None]
) -> None:
    page = web.page
    sign_up(web, new_email())
    assert page.locator("#nav-review").count() == 0
    web.go("/review")
    assert "Only moderators can see this page" in page.inner_text("#review-refused")

    web.go(f"/images/{held.nearly}")
    page.click("#report-open")
    page.check("input[name=report-reason][value=spam]")
    page.fill("#report-note", "Looks like an advert")
    shots("report")
    page.click("#report-send")
    assert page.inner_text("#report-done") == "Thanks, we\u2019ll take a look."
    assert _status(local_stack, held.owner, held.nearly)["status"] == "in_review"

    for _ in range(2):
        web.go(f"/images/{held.ready}")
        page.click("#report-open")
        page.check("input[name=report-reason][value=other]")
        page.click("#report-send")
        page.wait_for_selector("#report-done")
    assert "already reported" in page.inner_text("#report-done")
    assert _status(local_stack, held.owner, held.ready)["status"] == "ready"

"""Issue 13 on the real local stack, over HTTP as a stranger would: a photo carrying GPS and a
camera serial, downloaded at full size without any metadata; the exact original for its owner
only; grant reuse changing nothing; 20 downloads at once all counted; `sort=popular`; and a
delete after which every URL the image had answers 404 and search no longer finds it."""

from __future__ import annotations

import hashlib
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import pyvips
import requests

from infra.local.clients import client
from tests.e2e.conftest import LocalStack, stack_json
from tests.e2e.test_local_stack import _headers, _wait_terminal
from tests.images import factory, quirks

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _grant(stack: LocalStack, token: str, data: bytes, title: str) -> dict[str, Any]:
    body = {"filename": "photo.jpg", "content_type": "image/jpeg", "size": len(data),
            "title": title}
    answer = requests.post(f"{stack.base_url}/api/uploads", json=body, headers=_headers(token),
                           timeout=30)
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def _post(grant: dict[str, Any], data: bytes) -> None:
    upload = grant["upload"]
    posted = requests.post(upload["url"], data=upload["fields"],
                           files={"file": ("photo.jpg", data, "image/jpeg")}, timeout=60)
    assert posted.status_code in (200, 201, 204), posted.text


def _download(stack: LocalStack, image_id: str, size: str = "", token: str = ""
              ) -> requests.Response:
    params = {"size": size} if size else {}
    return requests.get(f"{stack.base_url}/api/images/{image_id}/download", params=params,
                        headers=_headers(token) if token else {}, timeout=30)


def _fetch(url: str) -> requests.Response:
    answer = requests.get(url, timeout=60)
    assert answer.status_code == 200, answer.text[:300]
    return answer


def _wait_claimed(stack: LocalStack, token: str, image_id: str) -> None:
    """Until ingest has taken the upload (the image has left `pending`)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        image = requests.get(f"{stack.base_url}/api/images/{image_id}", headers=_headers(token),
                             timeout=10).json()
        if image["status"] != "pending":
            return
        time.sleep(0.02)
    raise AssertionError(f"image {image_id} still pending")


def _wait_uploads_handled(stack: LocalStack, key: str) -> None:
    """Until ingest has handled every notification of `key`: each one, processed or found
    stale, removes its version of the upload for good, so none is left."""
    described = stack_json(stack)
    env, endpoint = described["env"], str(described["moto_endpoint"])
    assert isinstance(env, dict)
    s3 = client("s3", endpoint)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        listed = s3.list_object_versions(Bucket=env["UPLOADS_BUCKET"], Prefix=key)
        if not [v for v in listed.get("Versions", []) if v["Key"] == key]:
            return
        time.sleep(0.1)
    raise AssertionError(f"a version of {key} is still waiting for ingest")


def _ready(stack: LocalStack, token: str, data: bytes, title: str) -> str:
    grant = _grant(stack, token, data, title)
    _post(grant, data)
    image = _wait_terminal(stack, token, grant["image_id"])
    assert image["status"] == "ready", image
    return str(grant["image_id"])


def test_full_is_clean_original_is_exact_and_the_owners_alone(local_stack: LocalStack) -> None:
    alice, bob = local_stack.token("alice"), local_stack.token("bob")
    original = quirks.jpeg_with_metadata()
    image_id = _ready(local_stack, alice, original, "Harbour at dusk")
    # WHEN anyone downloads the default size THEN a full-resolution JPEG with no metadata
    answer = _download(local_stack, image_id)
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    link = answer.json()
    full = _fetch(link["url"])
    assert "attachment" in full.headers["Content-Disposition"]
    assert link["filename"] in full.headers["Content-Disposition"]
    picture = pyvips.Image.new_from_buffer(full.content, "")
    assert (picture.width, picture.height) == (link["width"], link["height"]) == (160, 120)
    assert not [f for f in picture.get_fields() if f.split("-")[0] in ("exif", "xmp", "iptc")]
    for marker in quirks.METADATA_MARKERS:
        assert marker not in full.content
    # AND the owner gets the exact bytes back; anyone else is refused
    mine = _download(local_stack, image_id, "original", alice)
    assert mine.status_code == 200
    exact = _fetch(mine.json()["url"]).content
    assert hashlib.sha256(exact).hexdigest() == hashlib.sha256(original).hexdigest()
    for token in (bob, ""):
        refused = _download(local_stack, image_id, "original", token)
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_owner"
    assert _download(local_stack, image_id, "poster").json()["error"]["code"] == "invalid_size"


def test_using_a_grant_again_changes_nothing_that_is_served(local_stack: LocalStack) -> None:
    alice = local_stack.token("alice")
    # Different pictures: the same one again would be refused as a duplicate.
    first, during, after = (factory.fresh_photo(640, 480),
                            factory.fresh_photo(800, 600),
                            factory.fresh_photo(300, 200))
    grant = _grant(local_stack, alice, first, "Reused grant")
    image_id = grant["image_id"]
    # WHEN a second POST lands while ingest works on the first, and a third after ready
    _post(grant, first)
    _wait_claimed(local_stack, alice, image_id)
    _post(grant, during)
    ready = _wait_terminal(local_stack, alice, image_id)
    _post(grant, after)
    _wait_uploads_handled(local_stack, grant["upload"]["fields"]["key"])  # the third too
    later = _wait_terminal(local_stack, alice, image_id)
    # THEN the first bytes are what is described, served and downloaded, before and after
    assert (ready["width"], ready["height"]) == (later["width"], later["height"]) == (640, 480)
    assert ready["renditions"] == later["renditions"]
    for name, rendition in later["renditions"].items():
        assert _fetch(rendition["url"]).content, name
    original = _fetch(_download(local_stack, image_id, "original", alice).json()["url"])
    assert original.content == first


def test_twenty_downloads_at_once_all_count_and_popular_sorts_by_them(
    local_stack: LocalStack,
) -> None:
    alice = local_stack.token("alice")
    quiet = _ready(local_stack, alice, factory.fresh_photo(400, 300),
                   "Popularity contest quiet")
    loved = _ready(local_stack, alice, factory.fresh_photo(400, 300),
                   "Popularity contest loved")
    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(lambda _: _download(local_stack, loved, "small"), range(20)))
    assert [a.status_code for a in answers] == [200] * 20
    assert _download(local_stack, quiet).status_code == 200
    image = requests.get(f"{local_stack.base_url}/api/images/{loved}", timeout=10).json()
    assert image["downloads"] == 20
    # AND the index carries the counts: the most downloaded comes first in sort=popular
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = requests.get(f"{local_stack.base_url}/api/search", timeout=10, params={
            "q": "popularity contest", "sort": "popular"}).json()
        ids = [hit["id"] for hit in found["results"]]
        if ids[:2] == [loved, quiet]:
            break
        time.sleep(0.3)
    assert ids[:2] == [loved, quiet]


def test_after_delete_every_url_the_image_had_is_gone(local_stack: LocalStack) -> None:
    alice = local_stack.token("alice")
    image_id = _ready(local_stack, alice, factory.fresh_photo(3000, 2000), "Soon to be removed")
    image = requests.get(f"{local_stack.base_url}/api/images/{image_id}", timeout=10).json()
    urls = [r["url"] for r in image["renditions"].values()]
    signed = [_download(local_stack, image_id, size, alice).json()["url"]
              for size in ("full", "original", "thumb")]
    assert all(requests.get(url, timeout=30).status_code == 200 for url in urls + signed)
    # WHEN its owner deletes it
    gone = requests.delete(f"{local_stack.base_url}/api/images/{image_id}",
                           headers=_headers(alice), timeout=30)
    assert gone.status_code == 204
    # THEN every URL it ever had answers 404 (signed links included) and search forgets it
    assert requests.get(f"{local_stack.base_url}/api/images/{image_id}",
                        headers=_headers(alice), timeout=10).status_code == 404
    assert _download(local_stack, image_id).status_code == 404
    for url in urls:
        assert requests.get(url, timeout=30).status_code == 404, url
    # signed links name objects that are gone: S3 answers 404, or 403 where the signer may not
    # list the bucket (it will not say whether a key exists); either way no byte comes back
    for url in signed:
        answer = requests.get(url, timeout=30)
        assert answer.status_code in (403, 404) and b"\xff\xd8" not in answer.content, url
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = requests.get(f"{local_stack.base_url}/api/search", timeout=10,
                             params={"q": "soon removed"}).json()
        if image_id not in [hit["id"] for hit in found["results"]]:
            break
        time.sleep(0.3)
    assert image_id not in [hit["id"] for hit in found["results"]]

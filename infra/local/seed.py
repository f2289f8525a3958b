"""First run: a sample contributor uploads the photos in samples/ through the normal pipeline.

Everything goes over HTTP like a browser: an upload grant from the front, a presigned POST to
S3, then ingest, render and the indexer do the rest. The stack waits until every photo is
ready and searchable, so a fresh `make run` opens on a gallery rather than an empty page.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
import requests

from chalicelib.domain.model import CONTRIBUTORS
from infra.local.clients import client
from infra.local.token import DEFAULT_PASSWORD, issue_token

log = logging.getLogger(__name__)

SAMPLES_DIR = Path(__file__).resolve().parent / "samples"
MANIFEST = "manifest.json"
SAMPLE_USER = "samples@example.test"
SAMPLE_NAME = "Samples"
SEED_TIMEOUT_SECONDS = 180.0
POLL_SECONDS = 0.3
HTTP_TIMEOUT = 30
TERMINAL = frozenset({"ready", "rejected", "failed"})


@dataclass(frozen=True)
class Sample:
    """One photo and what its uploader says about it."""

    path: Path
    title: str
    description: str
    tags: tuple[str, ...]


def load_manifest(folder: Path = SAMPLES_DIR) -> list[Sample]:
    """The samples listed in <folder>/manifest.json, in order."""
    listed = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["photos"]
    return [Sample(folder / item["file"], item["title"], item["description"],
                   tuple(item["tags"])) for item in listed]


def table_is_empty(dynamodb: Any, table: str) -> bool:
    """True when the images table holds no item at all (first run, or after clean-data)."""
    return not dynamodb.scan(TableName=table, Limit=1, ProjectionExpression="image_id")["Items"]


def sample_user_token(cognito: Any, pool_id: str, client_id: str) -> str:
    """Make sure the sample contributor exists, confirmed, in contributors; an access token."""
    token = issue_token(cognito, pool_id, client_id, SAMPLE_USER, CONTRIBUTORS, DEFAULT_PASSWORD)
    cognito.admin_update_user_attributes(UserPoolId=pool_id, Username=SAMPLE_USER, UserAttributes=[
        {"Name": "name", "Value": SAMPLE_NAME}, {"Name": "email_verified", "Value": "true"}])
    return token


def upload(base_url: str, token: str, sample: Sample) -> str:
    """Ask the API for a grant, post the file to storage as a browser would; the image id."""
    data = sample.path.read_bytes()
    body: dict[str, Any] = {
        "filename": sample.path.name, "content_type": "image/jpeg", "size": len(data),
        "title": sample.title, "description": sample.description, "tags": list(sample.tags),
    }
    granted = requests.post(f"{base_url}/api/uploads", json=body, timeout=HTTP_TIMEOUT,
                            headers={"Authorization": f"Bearer {token}"})
    granted.raise_for_status()
    grant = granted.json()
    posted = requests.post(grant["upload"]["url"], data=grant["upload"]["fields"],
                           files={"file": (sample.path.name, data, "image/jpeg")},
                           timeout=HTTP_TIMEOUT)
    posted.raise_for_status()
    return str(grant["image_id"])


def _statuses(base_url: str, token: str, image_ids: Iterable[str]) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {token}"}
    return {image_id: str(requests.get(f"{base_url}/api/images/{image_id}", headers=headers,
                                       timeout=HTTP_TIMEOUT).json().get("status"))
            for image_id in image_ids}


def _searchable(base_url: str, owner: str) -> set[str]:
    params = {"owner": owner, "per_page": "100", "sort": "newest"}
    found = requests.get(f"{base_url}/api/search", params=params, timeout=HTTP_TIMEOUT).json()
    return {str(hit["id"]) for hit in found.get("results", [])}


def wait_until_searchable(base_url: str, token: str, image_ids: list[str], timeout: float) -> bool:
    """Poll until every image is ready and found by search; False on a failure or timeout."""
    owner = str(jwt.decode(token, options={"verify_signature": False})["sub"])
    deadline = time.monotonic() + timeout
    statuses: dict[str, str] = {}
    while time.monotonic() < deadline:
        statuses = _statuses(base_url, token, image_ids)
        finished = {i: s for i, s in statuses.items() if s in TERMINAL}
        if any(s != "ready" for s in finished.values()):
            log.error("sample photos did not all become ready: %s", statuses)
            return False
        if len(finished) == len(image_ids) and set(image_ids) <= _searchable(base_url, owner):
            return True
        time.sleep(POLL_SECONDS)
    log.error("sample photos not ready and searchable after %.0f s: %s", timeout, statuses)
    return False


def seed_samples(
    base_url: str, moto_endpoint: str, env: Mapping[str, str],
    folder: Path = SAMPLES_DIR, timeout: float = SEED_TIMEOUT_SECONDS,
) -> int:
    """Upload the samples when the images table is empty; how many are now searchable."""
    try:
        return _seed_if_empty(base_url.rstrip("/"), moto_endpoint, env, folder, timeout)
    except Exception:  # the stack is still worth having without its sample photos
        log.exception("seeding the sample photos failed; the stack keeps running")
        return 0


def _seed_if_empty(
    base_url: str, moto_endpoint: str, env: Mapping[str, str], folder: Path, timeout: float
) -> int:
    if not table_is_empty(client("dynamodb", moto_endpoint), env["IMAGES_TABLE"]):
        log.info("images already stored: no sample photos uploaded")
        return 0
    started = time.monotonic()
    samples = load_manifest(folder)
    cognito = client("cognito-idp", moto_endpoint)
    client_id = env["COGNITO_APP_CLIENT_IDS"].split(",")[0]
    token = sample_user_token(cognito, env["COGNITO_USER_POOL_ID"], client_id)
    log.info("first run: uploading %d sample photos as %s", len(samples), SAMPLE_USER)
    image_ids = [upload(base_url, token, sample) for sample in samples]
    if not wait_until_searchable(base_url, token, image_ids, timeout):
        log.error("seeding incomplete; the stack keeps running (`make clean-data` to retry)")
        return 0
    log.info("%d sample photos ready and searchable in %.1f s", len(image_ids),
             time.monotonic() - started)
    return len(image_ids)

"""A contributor's browser against the local stack: upload grant, presigned POST, polling.

It does what the web app does, over HTTP only: POST /api/uploads, then the file to the
returned presigned POST (fields first, file last), then GET /api/images/<id> and
/api/search. Times are `time.monotonic()` at the moment an answer arrived.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from bench.e2e_inputs import Photo

HTTP_TIMEOUT = 60
TERMINAL = frozenset({"ready", "rejected", "failed"})
PER_PAGE = 100  # the API's maximum page: one round's photos fit in one search answer


class PipelineError(RuntimeError):
    """An image ended rejected or failed, or never got where it should in time."""


@dataclass(frozen=True)
class Upload:
    """One photo sent: its image id, when the grant was asked for and when S3 answered."""

    image_id: str
    started: float
    finished: float


def contributor_token(data_dir: Path, user: str) -> str:
    """An access token for `user` in contributors, exactly as `make token` makes one."""
    from chalicelib.domain.model import CONTRIBUTORS
    from infra.local.clients import client
    from infra.local.settings import read_stack
    from infra.local.token import DEFAULT_PASSWORD, issue_token

    stack = read_stack(data_dir)
    if stack is None:
        raise RuntimeError(f"no stack.json in {data_dir}: is the local stack running?")
    env = stack["env"]
    cognito = client("cognito-idp", stack["moto_endpoint"])
    client_id = env["COGNITO_APP_CLIENT_IDS"].split(",")[0]
    return issue_token(cognito, env["COGNITO_USER_POOL_ID"], client_id, user, CONTRIBUTORS,
                       DEFAULT_PASSWORD)


class Browser:
    """One signed-in contributor with keep-alive connections (one Browser per thread)."""

    def __init__(self, base_url: str, token: str) -> None:
        self.base_url = base_url.rstrip("/")
        self._session = requests.Session()
        self._auth = {"Authorization": f"Bearer {token}"}

    def upload(self, photo: Photo, title: str) -> Upload:
        """Ask for a grant, then post the file to storage as the web app does."""
        started = time.monotonic()
        name = f"bench-{photo.spec.index:03d}.jpg"
        body: dict[str, Any] = {"filename": name, "content_type": "image/jpeg",
                                "size": len(photo.data), "title": title, "description": "",
                                "tags": ["bench"]}
        granted = self._session.post(f"{self.base_url}/api/uploads", json=body,
                                     headers=self._auth, timeout=HTTP_TIMEOUT)
        granted.raise_for_status()
        grant = granted.json()
        form = grant["upload"]
        posted = self._session.post(form["url"], data=form["fields"],
                                    files={"file": (name, photo.data, "image/jpeg")},
                                    timeout=HTTP_TIMEOUT)
        posted.raise_for_status()
        return Upload(str(grant["image_id"]), started, time.monotonic())

    def image(self, image_id: str) -> dict[str, Any]:
        """GET /api/images/<id> as its owner (non-ready images are the owner's only)."""
        answer = self._session.get(f"{self.base_url}/api/images/{image_id}", headers=self._auth,
                                   timeout=HTTP_TIMEOUT)
        answer.raise_for_status()
        result: dict[str, Any] = answer.json()
        return result

    def delete(self, image_id: str) -> None:
        """DELETE /api/images/<id>: the record, the original, the master, the renditions."""
        answer = self._session.delete(f"{self.base_url}/api/images/{image_id}",
                                      headers=self._auth, timeout=HTTP_TIMEOUT)
        if answer.status_code != 404:
            answer.raise_for_status()

    def search(self, word: str) -> set[str]:
        """Ids of the images anonymous /api/search finds for `word` (first page of 100)."""
        answer = self._session.get(f"{self.base_url}/api/search", timeout=HTTP_TIMEOUT,
                                   params={"q": word, "per_page": str(PER_PAGE)})
        answer.raise_for_status()
        return {str(hit["id"]) for hit in answer.json()["results"]}


def poll(check: Callable[[], bool], interval: float, timeout: float, what: str) -> float:
    """Call `check` every `interval` s until true; the time its true answer arrived."""
    deadline = time.monotonic() + timeout
    while True:
        if check():
            return time.monotonic()
        if time.monotonic() > deadline:
            raise PipelineError(f"{what}: not done after {timeout:.0f} s")
        time.sleep(interval)


def ready_check(browser: Browser, image_id: str) -> Callable[[], bool]:
    """True once the image is ready; rejected or failed raise PipelineError."""
    def check() -> bool:
        image = browser.image(image_id)
        status = image.get("status")
        if status in TERMINAL and status != "ready":
            raise PipelineError(f"{image_id} ended {status}: {image.get('reason', '')}")
        return status == "ready"

    return check


def found_check(browser: Browser, image_id: str, word: str) -> Callable[[], bool]:
    """True once searching for `word` finds the image."""
    return lambda: image_id in browser.search(word)

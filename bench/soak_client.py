"""The soak run's traffic: contributors uploading over HTTP as the web app does, deleting some
photos while they are processed, and a watcher noting when each photo first shows in search."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import requests

from bench.soak_audit import searchable_ids
from bench.soak_inputs import SoakItem

HTTP_TIMEOUT = 60
GRANT_TRIES = 3  # a 5xx or 429 from the API is not an acknowledgement: the client tries again
DOWN_SECONDS = 180.0  # how long a client keeps knocking while the stack restarts


@dataclass
class Sent:
    """One upload's fate on the client side."""

    item: SoakItem
    image_id: str = ""
    acknowledged_at: float | None = None  # monotonic time of storage's 2xx
    deleted: bool = False
    error: str = ""


@dataclass
class Traffic:
    """Everything the client saw."""

    sent: list[Sent] = field(default_factory=list)
    first_seen: dict[str, float] = field(default_factory=dict)

    def acknowledged(self) -> list[Sent]:
        """Uploads the service answered with a grant and storage with a 2xx."""
        return [s for s in self.sent if s.acknowledged_at is not None]


def upload(session: requests.Session, base_url: str, token: str, item: SoakItem) -> Sent:
    """Grant, then the presigned POST; a refused grant is recorded, never raised."""
    sent = Sent(item)
    headers = {"Authorization": f"Bearer {token}"}
    body = {"filename": item.filename, "content_type": item.content_type,
            "size": len(item.data), "title": f"soak {item.kind} {item.index}",
            "description": item.label, "tags": ["soak", item.kind]}
    grant = None
    for attempt in range(GRANT_TRIES):
        answer = _post_when_up(session, f"{base_url}/api/uploads", body, headers)
        if answer.status_code == 201:
            grant = answer.json()
            break
        sent.error = f"grant {answer.status_code}: {answer.text[:200]}"
        if answer.status_code < 500 and answer.status_code != 429:
            return sent
        time.sleep(0.5 * (attempt + 1))
    if grant is None:
        return sent
    sent.image_id, form = str(grant["image_id"]), grant["upload"]
    try:
        posted = session.post(form["url"], data=form["fields"],
                              files={"file": (item.filename, item.data, item.content_type)},
                              timeout=HTTP_TIMEOUT)
    except requests.ConnectionError as exc:  # the stack died under the POST: not acknowledged
        sent.error = f"storage down: {exc.__class__.__name__}"
        return sent
    if posted.status_code // 100 != 2:
        sent.error = f"storage {posted.status_code}"
        return sent
    sent.error = ""
    sent.acknowledged_at = time.monotonic()
    return sent


def _post_when_up(session: requests.Session, url: str, body: dict[str, Any],
                  headers: dict[str, str]) -> requests.Response:
    """POST, knocking again while nothing listens (a restart in progress)."""
    deadline = time.monotonic() + DOWN_SECONDS
    while True:
        try:
            return session.post(url, json=body, headers=headers, timeout=HTTP_TIMEOUT)
        except requests.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(1.0)


def delete_soon(session: requests.Session, base_url: str, token: str, sent: Sent,
                rng: random.Random) -> None:
    """DELETE a just-uploaded photo within 1.5 s: while ingest or render is at work on it."""
    time.sleep(rng.uniform(0.0, 1.5))
    try:
        answer = session.delete(f"{base_url}/api/images/{sent.image_id}",
                                headers={"Authorization": f"Bearer {token}"},
                                timeout=HTTP_TIMEOUT)
    except requests.ConnectionError:
        sent.error = "delete: stack down"
        return
    sent.deleted = answer.status_code in (200, 202, 204)
    if not sent.deleted:
        sent.error = f"delete {answer.status_code}: {answer.text[:200]}"


class Watcher(threading.Thread):
    """Lists every searchable id once a second; the first sighting of each is kept."""

    def __init__(self, base_url: str, traffic: Traffic, interval: float = 1.0) -> None:
        super().__init__(name="soak-watcher", daemon=True)
        self._base_url, self._traffic, self._interval = base_url, traffic, interval
        self._stop_event = threading.Event()
        self.errors = 0

    def run(self) -> None:
        """Poll until stopped."""
        session = requests.Session()
        while not self._stop_event.wait(self._interval):
            try:
                ids = searchable_ids(self._base_url, session)
            except requests.RequestException:
                self.errors += 1
                continue
            now = time.monotonic()
            for image_id in ids:
                self._traffic.first_seen.setdefault(image_id, now)

    def stop(self) -> None:
        """End the loop."""
        self._stop_event.set()
        self.join()


def send_all(base_url: str, tokens: Sequence[str], items: Sequence[SoakItem], clients: int,
             traffic: Traffic, seed: int = 14) -> None:
    """Upload every item with `clients` concurrent contributors (round-robin over `tokens`)
    into `traffic.sent`; the `deleted` kind is deleted right after storage's 2xx."""
    local = threading.local()

    def one(position: int, item: SoakItem) -> Sent:
        session = getattr(local, "session", None)
        if session is None:
            session = local.session = requests.Session()
        token = tokens[position % len(tokens)]
        sent = upload(session, base_url, token, item)
        if sent.acknowledged_at is not None and item.kind == "deleted":
            delete_soon(session, base_url, token, sent, random.Random(seed + position))
        return sent

    with ThreadPoolExecutor(clients, thread_name_prefix="soak-client") as pool:
        traffic.sent = list(pool.map(one, range(len(items)), items))

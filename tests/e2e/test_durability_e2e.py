"""The local stack keeps what it acknowledged: kill -9 or Ctrl-C mid-upload, restart, all done.

Runs with the template's 720 s visibility timeout (no LOCAL_VISIBILITY_TIMEOUT): an upload that
only finished after a message's timeout would not finish within this test at all.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
import requests

from tests.e2e.conftest import LocalStack, free_port, running_stack
from tests.images import factory

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
PROMISE_SECONDS = 2.5  # writes acknowledged more than 2 s before a kill -9 must survive it
FINISH_SECONDS = 90  # far less than the 720 s a message in flight would otherwise stay hidden
TERMINAL = ("ready", "rejected", "failed")


def _headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _photos(batch: int) -> list[tuple[str, bytes, str]]:
    """Five distinct good photos, and (third) one cut-short JPEG that ingest must reject."""
    # Each its own picture: a resized copy would be refused as a duplicate.
    good = [(f"b{batch}-{n}.jpg",
             factory.fresh_photo(640 + 16 * n, 480 + 8 * batch), "ready")
            for n in range(5)]
    broken = (f"b{batch}-broken.jpg", factory.truncated(factory.photo(800, 600)), "rejected")
    return [*good[:2], broken, *good[2:]]


def _upload(stack: LocalStack, token: str, name: str, data: bytes) -> str | None:
    """Grant then presigned POST, as the web app does: the image id, None if either failed."""
    grant = requests.post(f"{stack.base_url}/api/uploads", headers=_headers(token), json={
        "filename": name, "content_type": "image/jpeg", "size": len(data),
        "title": f"Durable {name}", "tags": ["durable"]}, timeout=30)
    if grant.status_code != 201:
        return None
    upload = grant.json()["upload"]
    posted = requests.post(upload["url"], data=upload["fields"],
                           files={"file": (name, data, "image/jpeg")}, timeout=60)
    return str(grant.json()["image_id"]) if posted.status_code == 204 else None


def _upload_all(
    stack: LocalStack, token: str, batch: int, interrupt_before: int | None = None,
) -> dict[str, str]:
    """{image id: the status it must end in} for every upload acknowledged; all must be,
    except those tried after Ctrl-C was sent (before upload number `interrupt_before`)."""
    expected = {}
    for number, (name, data, outcome) in enumerate(_photos(batch)):
        if number == interrupt_before:
            stack.process.send_signal(signal.SIGINT)
        try:
            image_id = _upload(stack, token, name, data)
        except requests.RequestException:  # the stack went away meanwhile
            image_id = None
        interrupted = interrupt_before is not None and number >= interrupt_before
        assert image_id is not None or interrupted, f"{name} not acknowledged"
        if image_id is not None:
            expected[image_id] = outcome
    return expected


def _statuses(stack: LocalStack, token: str, ids: list[str]) -> dict[str, str]:
    found = {}
    for image_id in ids:
        response = requests.get(f"{stack.base_url}/api/images/{image_id}",
                                headers=_headers(token), timeout=30)
        assert response.status_code == 200, f"{image_id} lost: {response.status_code}"
        found[image_id] = str(response.json()["status"])
    return found


def _children(pid: int) -> list[int]:
    """The stack's child processes (its handler workers): field 4 of /proc/<pid>/stat."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _search_total(stack: LocalStack) -> int:
    body = requests.get(f"{stack.base_url}/api/search", params={"per_page": "1"}, timeout=30)
    return int(body.json()["total"])


def _assert_all_finish(stack: LocalStack, token: str, expected: dict[str, str]) -> None:
    """Every image ends as expected, none lost, and the index agrees with the table."""
    deadline = time.monotonic() + FINISH_SECONDS
    statuses: dict[str, str] = {}
    while time.monotonic() < deadline:
        statuses = _statuses(stack, token, list(expected))
        if all(status in TERMINAL for status in statuses.values()):
            break
        time.sleep(0.5)
    assert statuses == expected
    ready = sum(status == "ready" for status in statuses.values())
    while _search_total(stack) != ready and time.monotonic() < deadline:
        time.sleep(0.5)
    assert _search_total(stack) == ready


def test_given_uploads_when_killed_or_interrupted_then_a_restart_finishes_every_one(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    data_dir = tmp_path_factory.mktemp("durable")
    ports = (free_port(), free_port())
    with running_stack(data_dir, ports=ports, visibility_timeout=None) as stack:
        token = stack.token("dora")
        # GIVEN handlers that cannot finish: every message received stays in flight
        for worker in _children(stack.process.pid):
            os.kill(worker, signal.SIGSTOP)
        first = _upload_all(stack, token, batch=0)
        # WHEN the whole stack is killed with no chance to save, 2.5 s after the last 204
        time.sleep(PROMISE_SECONDS)
        os.killpg(stack.process.pid, signal.SIGKILL)
        stack.process.wait()
    # THEN it starts again at once on the same ports and finishes every acknowledged upload
    with running_stack(data_dir, ports=ports, visibility_timeout=None) as stack:
        token = stack.token("dora")
        _assert_all_finish(stack, token, first)
        # WHEN Ctrl-C arrives in the middle of a second bulk upload, while it is processed
        second = _upload_all(stack, token, batch=1, interrupt_before=4)
        assert len(second) >= 4
        assert stack.process.wait(timeout=60) == 0
    # THEN after a restart they finish too, without waiting out a visibility timeout
    with running_stack(data_dir, ports=ports, visibility_timeout=None) as stack:
        _assert_all_finish(stack, stack.token("dora"), first | second)

"""A real SIGKILL of the worker process rendering a photo in the local stack: the message comes
back after its visibility timeout, the render runs again, and the image ends ready once, every
rendition stored once, the index equal to the table (the shared fault audit)."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import Any

import pytest
import requests

from infra.local.clients import client
from tests.e2e.conftest import LocalStack, stack_json
from tests.images import factory
from tests.support import audit

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
WAIT_SECONDS = 120
# About 3 s to render its full-size download here: long enough to be caught rendering.
BIG_PHOTO = (7000, 5000)


def _workers(stack_pid: int) -> list[int]:
    """The stack's worker processes (spawned by its pool), from /proc."""
    found = []
    for pid in _descendants(stack_pid):
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
        if b"spawn_main" in cmdline and b"resource_tracker" not in cmdline:
            found.append(pid)
    return found


def _descendants(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except FileNotFoundError:
            continue
        for child in map(int, children):
            found |= {child} | _descendants(child)
    return found


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def _busy_worker(stack_pid: int) -> int | None:
    """The worker burning CPU right now (the one rendering), if any."""
    workers = _workers(stack_pid)
    before = {pid: _cpu_ticks(pid) for pid in workers}
    time.sleep(0.3)
    spent = {pid: _cpu_ticks(pid) - ticks for pid, ticks in before.items()}
    busiest = max(spent, key=lambda pid: spent[pid], default=None)
    return busiest if busiest is not None and spent[busiest] > 5 else None


def _image(stack: LocalStack, token: str, image_id: str) -> dict[str, Any]:
    return dict(requests.get(f"{stack.base_url}/api/images/{image_id}",
                             headers={"Authorization": f"Bearer {token}"}, timeout=30).json())


def _upload(stack: LocalStack, token: str, data: bytes) -> str:
    body = {"filename": "big.jpg", "content_type": "image/jpeg", "size": len(data),
            "title": "Killed mid-render"}
    grant = requests.post(f"{stack.base_url}/api/uploads", json=body, timeout=30,
                          headers={"Authorization": f"Bearer {token}"}).json()
    upload = grant["upload"]
    posted = requests.post(upload["url"], data=upload["fields"], timeout=120,
                           files={"file": ("big.jpg", data, "image/jpeg")})
    assert posted.status_code in (200, 201, 204), posted.text
    return str(grant["image_id"])


def _kill_while_rendering(stack: LocalStack, token: str, image_id: str) -> int:
    """SIGKILL the worker that renders once ingest is done (its inline sizes are recorded and
    only the render invocations' `large` and `full` are left)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        image = _image(stack, token, image_id)
        assert image["status"] in ("pending", "processing"), image
        if "thumb" in image["renditions"] and (pid := _busy_worker(stack.process.pid)):
            os.kill(pid, signal.SIGKILL)
            return pid
        time.sleep(0.1)
    raise AssertionError(f"no worker was seen rendering {image_id}")


def _world(stack: LocalStack, image_id: str) -> audit.World:
    from chalicelib.adapters.search.embedded import EmbeddedSearchIndex

    described = stack_json(stack)
    env, endpoint = described["env"], str(described["moto_endpoint"])
    assert isinstance(env, dict)
    buckets = {role: env[f"{role.upper()}_BUCKET"] for role in ("uploads", "originals",
                                                                 "renditions")}
    world = audit.collect(client("s3", endpoint), client("dynamodb", endpoint),
                          client("dynamodbstreams", endpoint),
                          EmbeddedSearchIndex(Path(env["SEARCH_INDEX_PATH"])), buckets,
                          env["IMAGES_TABLE"])
    return audit.narrowed(world, {image_id})


def test_a_worker_killed_mid_render_then_redelivered_ends_ready_once(
    local_stack: LocalStack,
) -> None:
    token = local_stack.token("kim")
    image_id = _upload(local_stack, token, factory.fresh_photo(*BIG_PHOTO))
    # WHEN the worker process rendering it is killed with SIGKILL
    killed = _kill_while_rendering(local_stack, token, image_id)
    # THEN that process is gone and the stack saw a worker die
    deadline = time.monotonic() + 10
    while Path(f"/proc/{killed}").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert killed not in _workers(local_stack.process.pid)
    # AND the redelivered render brings the image to ready with every rendition
    deadline = time.monotonic() + WAIT_SECONDS
    while (image := _image(local_stack, token, image_id))["status"] == "processing":
        assert time.monotonic() < deadline, image
        time.sleep(0.3)
    assert image["status"] == "ready", image
    assert set(image["renditions"]) == {"thumb", "small", "regular", "large"}
    assert {s["size"] for s in image["download_sizes"]} >= {"full"}
    # (the invocation that died was a render: the poller says which function lost its worker)
    assert "render: worker process died" in (local_stack.data_dir / "stack.log").read_text()
    # AND the shared audit holds for it once the indexer has caught up: stored once (no
    # second version of anything), published once, indexed at its current version
    deadline = time.monotonic() + 30
    while (found := audit.problems(world := _world(local_stack, image_id))) and (
            time.monotonic() < deadline):
        time.sleep(0.5)
    assert found == []
    assert [i.status.value for i in world.images] == ["ready"] and image_id in world.indexed
    assert len(world.images[0].renditions) == 5 and world.readied[image_id] == 1

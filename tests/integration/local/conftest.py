"""A moto server in this process, a worker pool running the sample app, and small helpers."""

from __future__ import annotations

import json
import socket
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from infra.local.settings import MOTO_ENV

ROOT = Path(__file__).resolve().parents[3]
SAMPLE_APP = "tests.integration.local.sample_app:app"
T = TypeVar("T")


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def unique(prefix: str) -> str:
    """A resource name no other test uses."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def wait_for(probe: Callable[[], T], timeout: float = 30.0, what: str = "condition") -> T:
    """Poll `probe` until it returns something truthy; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.1)


def handler_calls(out_dir: Path, function: str) -> list[list[dict[str, Any]]]:
    """The record batches the sample app's `function` received, in call order."""
    path = out_dir / "events.jsonl"
    if not path.exists():
        return []
    calls = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return [call["records"] for call in calls if call["function"] == function]


@pytest.fixture(scope="session")
def moto_server() -> Iterator[Any]:
    """One gated moto server on 127.0.0.1 for the whole session (tests use unique names)."""
    with pytest.MonkeyPatch.context() as patch:
        for key, value in MOTO_ENV.items():
            patch.setenv(key, value)
        from infra.local.motoserver import GatedMotoServer

        server = GatedMotoServer(free_port())
        server.start()
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture(scope="session")
def sample_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the sample app's handlers write what they received."""
    return tmp_path_factory.mktemp("sample-out")


@pytest.fixture(scope="session")
def worker_pool(sample_out: Path) -> Iterator[Any]:
    """Two spawned workers running the sample app."""
    from infra.local.workers import WorkerPool

    pool = WorkerPool({"SAMPLE_OUT": str(sample_out)}, SAMPLE_APP, workers=2)
    pool.warm_up()
    try:
        yield pool
    finally:
        pool.shutdown(grace_seconds=5)

"""The real local stack (`python -m infra.local`) in a child process, for the HTTP numbers."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
READY_LINE = "running at"
START_SECONDS = 180.0
STOP_SECONDS = 60.0


def free_port() -> int:
    """A loopback TCP port that nothing listens on at the moment."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def local_stack(data_dir: Path, workers: int = 2) -> Iterator[str]:
    """Start the stack on free ports with its data in `data_dir`; yields its base URL."""
    port = free_port()
    log = data_dir / "stack.log"
    command = [sys.executable, "-m", "infra.local", "--port", str(port),
               "--moto-port", str(free_port()), "--data-dir", str(data_dir),
               "--workers", str(workers), "--no-seed"]  # fmt: skip
    environment = {**os.environ, "PYTHONUNBUFFERED": "1"}
    environment.pop("AWS_ENDPOINT_URL", None)  # the stack sets its own
    with log.open("w") as sink:
        process = subprocess.Popen(command, cwd=ROOT, stdout=sink, stderr=subprocess.STDOUT,
                                   env=environment, start_new_session=True)
    try:
        _wait_until_ready(process, log)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process, signal.SIGINT, STOP_SECONDS)  # as Ctrl-C would


def _wait_until_ready(process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if READY_LINE in log.read_text(errors="replace"):
            return
        if process.poll() is not None:
            raise RuntimeError(f"the local stack exited early:\n{log.read_text()[-3000:]}")
        time.sleep(0.2)
    raise TimeoutError(f"the local stack did not start in {START_SECONDS:.0f} s: see {log}")


def stop(process: subprocess.Popen[bytes], sig: int, seconds: float) -> None:
    """Send `sig`; only if the process hangs past `seconds`, kill its process group (it runs
    in its own session, so that is only its own processes)."""
    if process.poll() is not None:
        return
    process.send_signal(sig)
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

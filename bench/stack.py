"""The real local stack (`python -m infra.local`) in a child process, for the HTTP numbers."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
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


class StackProcess:
    """`python -m infra.local` as a child process in its own session, on fixed ports, so it can
    be killed outright and started again on the same data and the same URLs."""

    def __init__(self, data_dir: Path, workers: int = 2, env: Mapping[str, str] | None = None
                 ) -> None:
        self.data_dir, self.workers = data_dir, workers
        self.env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        self.env.pop("AWS_ENDPOINT_URL", None)  # the stack sets its own
        self.port = free_port()
        self.moto_port = free_port()
        while self.moto_port == self.port:
            self.moto_port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def base_url(self) -> str:
        """Where the front answers."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> str:
        """Start (again) and wait until it serves; the base URL. Every start's output is
        appended to <data dir>/stack.log."""
        log = self.data_dir / "stack.log"
        command = [sys.executable, "-m", "infra.local", "--port", str(self.port),
                   "--moto-port", str(self.moto_port), "--data-dir", str(self.data_dir),
                   "--workers", str(self.workers), "--no-seed"]  # fmt: skip
        offset = log.stat().st_size if log.exists() else 0
        with log.open("a") as sink:
            self.process = subprocess.Popen(command, cwd=ROOT, stdout=sink,
                                            stderr=subprocess.STDOUT, env=self.env,
                                            start_new_session=True)
        self.starts += 1
        _wait_until_ready(self.process, log, offset)
        return self.base_url

    def kill(self) -> None:
        """SIGKILL the whole process group at once, as a power cut would."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        """As Ctrl-C would; killed only if it hangs."""
        if self.process is not None:
            stop(self.process, signal.SIGINT, STOP_SECONDS)


@contextmanager
def local_stack(data_dir: Path, workers: int = 2, env: Mapping[str, str] | None = None,
                ) -> Iterator[str]:
    """Start the stack on free ports with its data in `data_dir` (and `env` over the current
    environment); yields its base URL."""
    stack = StackProcess(data_dir, workers, env)
    try:
        yield stack.start()
    finally:
        stack.stop()


def _wait_until_ready(process: subprocess.Popen[bytes], log: Path, offset: int = 0) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if READY_LINE in log.read_text(errors="replace")[offset:]:
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

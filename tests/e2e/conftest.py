"""Start the real local stack (`python -m infra.local`) once for the e2e tests."""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
READY_TIMEOUT = 120


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LocalStack:
    base_url: str
    data_dir: Path
    process: subprocess.Popen[str]
    port: int

    def log_text(self) -> str:
        """What the stack printed so far (where a developer reads, say, a password reset code)."""
        return (self.data_dir / "stack.log").read_text(errors="replace")

    def token(self, user: str, group: str = "contributors") -> str:
        """`make token` without make: the last line of the token command's output. Its main()
        runs here, not in a new interpreter (about 0.5 s a token saved; `python -m
        infra.local.token` itself is run by tests/integration/local/test_runner.py)."""
        from infra.local import token

        out, err = io.StringIO(), io.StringIO()
        argv = ["--user", user, "--group", group, "--data-dir", str(self.data_dir),
                "--port", str(self.port)]
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = token.main(argv)
        assert code == 0, f"make token failed ({code}): {err.getvalue()}"
        return out.getvalue().strip().splitlines()[-1]


def _wait_ready(process: subprocess.Popen[str], log: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if "running at" in log.read_text(errors="replace"):
            return
        if process.poll() is not None:
            raise RuntimeError(f"local stack exited early:\n{log.read_text()}")
        time.sleep(0.2)
    raise TimeoutError(f"local stack not ready:\n{log.read_text()}")


@contextlib.contextmanager
def running_stack(
    data_dir: Path, seed: bool = False, ports: tuple[int, int] | None = None,
    visibility_timeout: str | None = "5", settings: dict[str, str] | None = None,
) -> Iterator[LocalStack]:
    """`python -m infra.local` on free ports (or the given HTTP and moto ports) until the block
    ends; seeding only when asked; queues' visibility shrunk unless `visibility_timeout` is None;
    `settings` as `make run NAME=value` would give them."""
    port, moto_port = ports or (free_port(), free_port())
    log = data_dir / "stack.log"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("LOCAL_VISIBILITY_TIMEOUT", None)
    if visibility_timeout is not None:
        env["LOCAL_VISIBILITY_TIMEOUT"] = visibility_timeout
    env.pop("AWS_ENDPOINT_URL", None)
    env.update(settings or {})
    command = [
        sys.executable, "-m", "infra.local", "--port", str(port), "--moto-port", str(moto_port),
        "--data-dir", str(data_dir), "--workers", "2", *([] if seed else ["--no-seed"]),
    ]
    with log.open("w") as sink:
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=sink, stderr=subprocess.STDOUT, text=True, env=env,
            start_new_session=True,
        )
    try:
        _wait_ready(process, log)
        yield LocalStack(f"http://127.0.0.1:{port}", data_dir, process, port)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture(scope="session")
def local_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    """The stack most tests share: empty, no sample photos (they would skew their counts)."""
    with running_stack(tmp_path_factory.mktemp("stack-data")) as stack:
        yield stack


def stack_json(stack: LocalStack) -> dict[str, object]:
    """What the running stack wrote about itself."""
    return dict(json.loads((stack.data_dir / "stack.json").read_text()))

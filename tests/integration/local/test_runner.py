"""`python -m infra.local` as a user runs it: ready line, events flow, clean stop, data kept."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest
import requests

from infra.local.clients import client
from tests.integration.local.conftest import ROOT, SAMPLE_APP, free_port, handler_calls, wait_for

pytestmark = pytest.mark.slow
READY = "Stock images running at"


class Runner:
    """Starts stacks on one data dir and makes sure none outlives the test."""

    def __init__(self, data: Path, out: Path) -> None:
        self.data, self.out = data, out
        self.port, self.moto_port = free_port(), free_port()
        self.processes: list[subprocess.Popen[str]] = []

    def start(self) -> subprocess.Popen[str]:
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "LOCAL_VISIBILITY_TIMEOUT": "2",
               "SAMPLE_OUT": str(self.out)}
        env.pop("AWS_ENDPOINT_URL", None)
        log = (self.data.parent / f"run-{len(self.processes)}.log").open("w")
        process = subprocess.Popen(
            [sys.executable, "-m", "infra.local", "--port", str(self.port), "--moto-port",
             str(self.moto_port), "--data-dir", str(self.data), "--app", SAMPLE_APP,
             "--workers", "1", "--no-seed"],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, text=True, env=env,
            start_new_session=True)
        self.processes.append(process)
        log_path = Path(log.name)
        wait_for(lambda: READY in log_path.read_text() or process.poll() is not None,
                 timeout=90, what="the ready line")
        assert process.poll() is None, log_path.read_text()
        return process

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@pytest.fixture
def runner(tmp_path: Path) -> Iterator[Runner]:
    (tmp_path / "out").mkdir()
    started = Runner(tmp_path / "data", tmp_path / "out")
    try:
        yield started
    finally:
        started.stop_all()


def _descendants(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        for child in (task / "children").read_text().split():
            found |= {int(child)} | _descendants(int(child))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def _token(runner: Runner, user: str, group: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "infra.local.token", "--user", user, "--group", group,
         "--data-dir", str(runner.data)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return dict(jwt.decode(done.stdout.strip().splitlines()[-1],
                           options={"verify_signature": False}))


def _stop(process: subprocess.Popen[str], how: signal.Signals) -> int:
    process.send_signal(how)
    return process.wait(timeout=60)


def test_given_the_runner_when_used_stopped_and_restarted_then_it_behaves_and_keeps_data(
    runner: Runner,
) -> None:
    first = runner.start()
    base = f"http://127.0.0.1:{runner.port}"
    assert requests.get(f"{base}/api/health", timeout=10).json() == {"status": "ok"}
    stack = json.loads((runner.data / "stack.json").read_text())
    claims = _token(runner, "alice", "admins")
    assert claims["token_use"] == "access" and claims["cognito:groups"] == ["admins"]
    assert claims["client_id"] == stack["env"]["COGNITO_APP_CLIENT_IDS"]
    # WHEN a file lands under uploads/ THEN the SQS handler in a worker hears of it
    s3 = client("s3", stack["moto_endpoint"])
    s3.put_object(Bucket=stack["env"]["UPLOADS_BUCKET"], Key="uploads/one.jpg", Body=b"1")
    wait_for(lambda: "uploads%2Fone.jpg" in json.dumps(handler_calls(runner.out, "ingest")),
             what="the ingest handler to get the S3 event")
    workers = _descendants(first.pid)
    assert workers  # the handler ran in a child process
    # WHEN Ctrl-C THEN exit 0, no process left behind, state saved, stack.json gone
    assert _stop(first, signal.SIGINT) == 0
    wait_for(lambda: not any(_alive(pid) for pid in workers), timeout=10, what="workers gone")
    assert (runner.data / "moto-state.pickle").exists()
    assert not (runner.data / "stack.json").exists()
    # WHEN started again on the same data THEN the object and the user are still there
    second = runner.start()
    body = s3.get_object(Bucket=stack["env"]["UPLOADS_BUCKET"], Key="uploads/one.jpg")["Body"]
    assert body.read() == b"1"
    cognito = client("cognito-idp", stack["moto_endpoint"])
    # the pool signs in by e-mail: `make token USER=alice` made alice@example.test
    user = cognito.admin_get_user(UserPoolId=stack["env"]["COGNITO_USER_POOL_ID"],
                                  Username="alice@example.test")
    assert user["UserStatus"] == "CONFIRMED"
    assert sorted(_token(runner, "alice", "contributors")["cognito:groups"]) == [
        "admins", "contributors"]
    assert _stop(second, signal.SIGTERM) == 0


def test_fault_injection_reaches_the_functions_only() -> None:
    from infra.local.stack import take_faults, worker_env

    environ = {"FAULT_INJECTION": "sqs_send:0.1", "PATH": "/bin"}
    faults = take_faults(environ)
    assert faults == "sqs_send:0.1" and "FAULT_INJECTION" not in environ  # API, reindex, tools
    assert worker_env({"IMAGES_TABLE": "t"}, faults) == {
        "IMAGES_TABLE": "t", "FAULT_INJECTION": "sqs_send:0.1"}
    assert worker_env({"IMAGES_TABLE": "t"}, take_faults({})) == {"IMAGES_TABLE": "t"}

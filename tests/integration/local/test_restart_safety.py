"""What a restart must not inherit: invisible in-flight messages, cut-short batches, orphans."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from infra.local import resources, snapshot
from infra.local.hygiene import release_in_flight_messages
from infra.local.sources import QueueSource
from infra.local.sqs_poller import SqsPoller
from infra.local.workers import WorkerPool
from tests.integration.local.conftest import ROOT, SAMPLE_APP, handler_calls, unique, wait_for

LONG_VISIBILITY = "720"  # the template's: a test that waited it out would take 12 minutes


def _visible_bodies(clients: resources.Clients, url: str) -> list[str]:
    got = clients.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0)
    return sorted(m["Body"] for m in got.get("Messages", []))


def _in_flight(clients: resources.Clients, url: str) -> int:
    attributes = clients.sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessagesNotVisible"])["Attributes"]
    return int(attributes["ApproximateNumberOfMessagesNotVisible"])


def test_given_messages_in_flight_at_a_kill_when_restored_then_they_are_visible_at_once(
    moto_server: Any, tmp_path: Path,
) -> None:
    clients = resources.Clients(moto_server.endpoint_url)
    url = clients.sqs.create_queue(QueueName=unique("inflight"),
                                   Attributes={"VisibilityTimeout": LONG_VISIBILITY})["QueueUrl"]
    for body in ("received", "waiting"):
        clients.sqs.send_message(QueueUrl=url, MessageBody=body)
    clients.sqs.send_message(QueueUrl=url, MessageBody="delayed", DelaySeconds=900)
    # GIVEN one message received by a consumer that then died with the stack
    got = clients.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1)["Messages"]
    assert [m["Body"] for m in got] == ["received"]
    path = tmp_path / "moto-state.pickle"
    assert snapshot.save(path, moto_server.gate)
    # WHEN the snapshot is restored (as at the next start) and in-flight messages released
    saved = snapshot.load(path)
    assert saved is not None
    snapshot.restore(saved)
    assert release_in_flight_messages() >= 1
    # THEN the received one is deliverable again at once; a delivery delay is kept
    assert _visible_bodies(clients, url) == ["received", "waiting"]


def test_given_a_stop_while_batches_run_or_wait_then_every_one_is_handed_back(
    moto_server: Any, sample_out: Path,
) -> None:
    clients = resources.Clients(moto_server.endpoint_url)
    url = clients.sqs.create_queue(QueueName=unique("stop"),
                                   Attributes={"VisibilityTimeout": LONG_VISIBILITY})["QueueUrl"]
    arn = clients.sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    pool = WorkerPool({"SAMPLE_OUT": str(sample_out)}, SAMPLE_APP, workers=1)
    pool.warm_up()
    poller = SqsPoller(QueueSource("ingest", "unused", 1, None, 0), clients.sqs, url, arn, pool,
                       concurrency=4)
    for _ in range(4):
        clients.sqs.send_message(QueueUrl=url, MessageBody="hang")
    poller.start()
    try:
        # GIVEN one batch running in the only worker, two queued for it, one not yet queued
        wait_for(lambda: _in_flight(clients, url) == 4, what="every batch received")
        wait_for(lambda: any(batch[0]["eventSourceARN"] == arn
                             for batch in handler_calls(sample_out, "ingest")),
                 what="the first batch to run")
    finally:
        # WHEN the stack stops as on Ctrl-C: pollers first, then the workers, then the join
        poller.request_stop()
        pool.shutdown(grace_seconds=0.5)
        poller.join()
    # THEN all four are visible now, not after the 720 s visibility timeout
    assert _visible_bodies(clients, url) == ["hang"] * 4


def _process_alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status  # a zombie has ended, whoever reaps it


_POOL_THEN_WAIT = f"""
import time
from infra.local.workers import WorkerPool
pool = WorkerPool({{}}, {SAMPLE_APP!r}, workers=2)
pool.warm_up()
print(" ".join(str(pid) for pid in pool._executor._processes), flush=True)
time.sleep(600)
"""


def test_given_a_stack_process_with_workers_when_killed_then_its_workers_end_too() -> None:
    parent = subprocess.Popen([sys.executable, "-c", _POOL_THEN_WAIT], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    workers = [int(pid) for pid in parent.stdout.readline().split()]
    try:
        assert len(workers) == 2 and all(_process_alive(pid) for pid in workers)
        # WHEN the parent is killed with no chance to clean up
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        # THEN no worker is left running against a dead stack
        wait_for(lambda: not any(_process_alive(pid) for pid in workers),
                 what="the workers to end with their parent")
    finally:
        for pid in workers:
            if _process_alive(pid):
                os.kill(pid, signal.SIGKILL)

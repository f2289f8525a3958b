"""The memory benchmark's AWS side: moto server in its own process, the template's resources,
the functions' environment, and the steps the browser and the event-source mappings play.

moto runs in a separate process so that the objects it stores never count against the RSS
of the function under test. Resources come from template.yaml through the local stack's own
creators (infra/local), and the environment is the one the local stack gives its functions
plus .chalice/config.json's variables.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.stack import free_port, stop

ROOT = Path(__file__).resolve().parents[1]
CHALICE_CONFIG = ROOT / ".chalice" / "config.json"
START_SECONDS = 60.0
RECEIVE_WAIT_SECONDS = 1


@contextmanager
def moto_server(log: Path) -> Iterator[str]:
    """`python -m moto.server` in a child process; yields its endpoint URL."""
    from infra.local.settings import MOTO_ENV

    port = free_port()
    command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    with log.open("w") as sink:
        process = subprocess.Popen(command, cwd=ROOT, stdout=sink, stderr=subprocess.STDOUT,
                                   env={**os.environ, **MOTO_ENV}, start_new_session=True)
    try:
        _wait_for_port(process, port, log)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process, signal.SIGTERM, 15)


def _wait_for_port(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"moto server exited early:\n{log.read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"moto server did not listen within {START_SECONDS:.0f} s: see {log}")


def provision(endpoint: str, data_dir: Path) -> dict[str, str]:
    """Create template.yaml's resources on moto; the environment every function gets."""
    from infra.local import resources, settings, template

    parsed = template.load(ROOT / "template.yaml")
    created = resources.create_all(parsed, resources.Clients(endpoint), resources.Options())
    env = settings.function_env(parsed, created, free_port(), endpoint, data_dir)
    return {**chalice_env(), **env}


def chalice_env() -> dict[str, str]:
    """The environment variables .chalice/config.json gives every function."""
    config = json.loads(CHALICE_CONFIG.read_text())
    return {key: str(value) for key, value in config.get("environment_variables", {}).items()}


def configured_memory_mb() -> dict[str, int]:
    """Each function's configured memory (lambda_memory_size in .chalice/config.json)."""
    config = json.loads(CHALICE_CONFIG.read_text())
    functions = config.get("lambda_functions", {})
    return {name: int(entry["lambda_memory_size"]) for name, entry in functions.items()
            if "lambda_memory_size" in entry}


@contextmanager
def applied(env: dict[str, str]) -> Iterator[None]:
    """The functions' environment in this process too (the driver's pynamodb reads it)."""
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


class Driver:
    """Plays the browser (grant + upload) and the SQS event-source mappings against moto."""

    def __init__(self, endpoint: str) -> None:
        from chalicelib import bootstrap, config
        from infra.local.clients import client

        self.services = bootstrap.build(config.load())
        self.s3 = client("s3", endpoint)
        self.sqs = client("sqs", endpoint)
        settings = self.services.settings
        self.queues = {name: self._queue(name) for name in (settings.ingest_queue,
                                                             settings.render_queue)}

    def _queue(self, name: str) -> tuple[str, str]:
        url = self.sqs.get_queue_url(QueueName=name)["QueueUrl"]
        attributes = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
        return url, attributes["Attributes"]["QueueArn"]

    def upload(self, data: bytes, content_type: str, title: str) -> str:
        """Grant an upload as the API does, then put the bytes where the grant says."""
        from chalicelib.auth import Principal
        from chalicelib.services import uploads

        contributor = Principal("bench-sub", "bench", frozenset({"contributors"}))
        body = {"filename": title, "content_type": content_type, "size": len(data),
                "title": title}
        grant = uploads.request_upload(self.services.deps, contributor, body)
        self.s3.put_object(Bucket=self.services.settings.uploads_bucket,
                           Key=grant.fields["key"], Body=data, ContentType=content_type)
        return grant.image_id

    def receive(self, queue: str, wanted: int | None = None) -> list[dict[str, Any]]:
        """Messages of `queue` as Lambda SQS records: until `wanted` have come (waiting a
        little for each), or else until the queue is dry (the handler that sent them has
        already returned, so there is nothing to wait for)."""
        from infra.local.sqs_poller import lambda_record

        url, arn = self.queues[queue]
        wait = RECEIVE_WAIT_SECONDS if wanted else 0
        records: list[dict[str, Any]] = []
        while wanted is None or len(records) < wanted:
            got = self.sqs.receive_message(
                QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=wait,
                AttributeNames=["All"], MessageAttributeNames=["All"],
            ).get("Messages", [])
            if not got:
                break
            records += [lambda_record(message, arn) for message in got]
        return records

    def delete(self, queue: str, records: list[dict[str, Any]]) -> None:
        """Delete handled messages, as the mapping does after a successful batch."""
        url, _ = self.queues[queue]
        for record in records:
            self.sqs.delete_message(QueueUrl=url, ReceiptHandle=record["receiptHandle"])

    def image(self, image_id: str) -> dict[str, Any]:
        """The image record's status, reason, size and renditions, for the report."""
        image = self.services.deps.repo.get(image_id)
        if image is None:
            return {"status": "missing"}
        facts = image.facts
        return {"status": str(image.status), "reason": image.reason,
                "size": f"{facts.width}x{facts.height}" if facts else None,
                "renditions": sorted(image.renditions)}

"""A fault scenario: the real adapters on moto behind a fault plan, the real handlers, and the
event-source mappings played with redelivery; it ends with the shared audit."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from chalice.test import Client

from chalicelib import bootstrap
from chalicelib.adapters import aws
from chalicelib.adapters.faults import FaultInjector
from chalicelib.faultplan import FaultPlan, FaultRule
from chalicelib.services import sweeping
from tests.integration.conftest import Stack
from tests.integration.faults.driver import Mappings
from tests.support import audit
from tests.support.tokens import bearer

ALICE = bearer("sub-alice", "alice", "contributors")
GRANT_TRIES = 5


class Seconds:
    """The fault plan's clock: moves only when the scenario moves it."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@dataclasses.dataclass
class Scenario:
    """One scenario's world: upload over the API, drive the mappings, audit."""

    stack: Stack
    client: Client
    mappings: Mappings
    injector: FaultInjector
    clock: Seconds
    real: Any  # the Services without faults, for looking

    def upload(self, data: bytes, content_type: str = "image/jpeg") -> str:
        """Ask for a grant (retried, as a browser would, when the API fails) and POST the file."""
        body = json.dumps({"filename": "photo", "content_type": content_type,
                           "size": len(data), "title": "fault"})
        for _ in range(GRANT_TRIES):
            answer = self.client.http.post("/uploads", headers=ALICE, body=body)
            if answer.status_code == 201:
                break
        grant = json.loads(answer.body)
        self.put_upload(grant["upload"]["fields"]["key"], data, content_type)
        return str(grant["image_id"])

    def put_upload(self, key: str, data: bytes, content_type: str = "image/jpeg") -> None:
        """The browser's POST to storage (never through the faults: it is not our code)."""
        self.stack.s3.put_object(Bucket=self.stack.services.settings.uploads_bucket, Key=key,
                                 Body=data, ContentType=content_type)

    def image(self, image_id: str) -> Any:
        """The record as it is now."""
        return self.real.deps.repo.get(image_id)

    def sweep(self) -> dict[str, int]:
        """A full sweeper pass, as `make sweep` runs it once traffic has settled (no fault, no
        grace: nothing is in flight), then the mappings settled again; the sweep's counts."""
        limits = dataclasses.replace(
            self.real.deps.limits, sweep_processing_minutes=0, sweep_pending_grace_minutes=0,
            sweep_orphan_grace_minutes=0)
        report = sweeping.sweep_all(dataclasses.replace(self.real.deps, limits=limits))
        self.mappings.settle()
        return dict(report.counts)

    def audit(self) -> None:
        """Fail with every problem the shared audit finds, one per line."""
        found = self.problems()
        assert not found, "\n".join(["the audit found:", *found])

    def problems(self) -> list[str]:
        """The shared audit of the world as it is now."""
        settings = self.real.settings
        buckets = {"uploads": settings.uploads_bucket, "originals": settings.originals_bucket,
                   "renditions": settings.renditions_bucket}
        world = audit.collect(self.stack.s3, self.mappings.dynamodb, self.mappings.streams,
                              self.real.deps.search_index(), buckets, settings.images_table)
        return audit.problems(world)


@pytest.fixture
def scenario(stack: Stack, tmp_path: Path) -> Iterator[Callable[..., Scenario]]:
    """scenario(*rules, seed=0): the stack with these faults injected, from now on."""
    from app import app

    with Client(app) as client:
        def make(*rules: FaultRule, seed: int = 0) -> Scenario:
            settings = dataclasses.replace(
                stack.services.settings, search_index_path=str(tmp_path / "search"))
            real = bootstrap.build(settings)
            real.verifier = stack.services.verifier
            clock = Seconds()
            injector = FaultInjector(FaultPlan(rules, seed), clock)
            faulty = dataclasses.replace(
                real, deps=bootstrap.wrap_ports(real.deps, injector), faults=injector)
            bootstrap.override(faulty)
            mappings = Mappings(stack, client, aws.client("dynamodb", settings.region),
                                aws.client("dynamodbstreams", settings.region))
            return Scenario(stack, client, mappings, injector, clock, real)

        yield make

"""What the benchmark times: one search, given the parameters /api/search would receive.

The engine runs behind the service layer (chalicelib.services.search) exactly as the API
calls it: parse, search, and when nothing matched one retry with typo tolerance.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bench.queries import Probe
from chalicelib.ports import SearchIndex
from chalicelib.services import search as search_service

BENCH_SECRET = b"bench-only cursor secret, never deployed"


@dataclass(frozen=True)
class Answer:
    """What a search said that the benchmark looks at."""

    total: int
    next_cursor: str | None
    fuzzy: bool


class Backend(Protocol):
    """Anything that answers /api/search parameters."""

    name: str
    family: str  # backends of one family accept each other's cursors

    def search(self, params: dict[str, str]) -> Answer:
        """One search, as the API would answer it."""


class Engine:
    """The embedded engine through the service layer, exactly as /api/search calls it."""

    def __init__(self, index: SearchIndex, name: str = "engine") -> None:
        self.index = index
        self.name = name
        self.family = "engine"

    def search(self, params: dict[str, str]) -> Answer:
        """Parse, search, retry fuzzy when nothing matched."""
        answer = search_service.search(self.index, params, BENCH_SECRET)
        return Answer(answer.page.total, answer.next_cursor, answer.fuzzy)


class Http:
    """GET /api/search on a running local stack over one keep-alive connection."""

    def __init__(self, base_url: str) -> None:
        import requests

        self.name = self.family = "HTTP API"
        self.url = base_url.rstrip("/") + "/api/search"
        self.session = requests.Session()

    def search(self, params: dict[str, str]) -> Answer:
        """One request; anything but a 200 stops the benchmark."""
        response = self.session.get(self.url, params=params, timeout=30)
        if response.status_code != 200:
            raise RuntimeError(f"GET {response.url}: {response.status_code} {response.text[:300]}")
        body = response.json()
        return Answer(int(body["total"]), body.get("next_cursor"), bool(body.get("fuzzy")))

    def close(self) -> None:
        """Close the connection."""
        self.session.close()


Walk = dict[tuple[object, ...], tuple[dict[str, str], int]]


def start_params(backend: Backend, probe: Probe, walked: Walk) -> tuple[dict[str, str], int]:
    """The parameters of the probe's page, and how many pages deep that is.

    A deep page is reached by following `depth` cursors (untimed); walks are shared by
    backends of one cursor family (the engine with and without facets) and by equal probes.
    """
    if not probe.depth:
        return dict(probe.params), 0
    jump = getattr(backend, "jump", None)
    if jump is not None:
        return jump(probe)
    key = (backend.family, tuple(sorted(probe.params.items())), probe.depth)
    if key not in walked:
        walked[key] = _walk(backend, probe)
    return walked[key]


def _walk(backend: Backend, probe: Probe) -> tuple[dict[str, str], int]:
    params = dict(probe.params)
    for depth in range(probe.depth):
        cursor = backend.search(params).next_cursor
        if cursor is None:
            return params, depth
        params = {**probe.params, "cursor": cursor}
    return params, probe.depth

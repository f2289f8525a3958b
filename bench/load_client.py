"""Closed-loop clients: each thread sends its next request as soon as the last one answered."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import requests

from bench.load_mix import Mix, Request
from bench.load_stats import CONNECTION_FAILED, Sample, is_error

HTTP_TIMEOUT = 30


@dataclass(frozen=True)
class LevelRun:
    """What one level gave: every sample, the wall time and this process's CPU seconds."""

    samples: list[Sample]
    wall_s: float
    client_cpu_s: float


def run_level(base_url: str, clients: int, seconds: float, words: Sequence[str],
              image_ids: Sequence[str], seed: int) -> LevelRun:
    """`clients` threads for `seconds`, each with its own keep-alive session and mix."""
    deadline = time.monotonic() + seconds
    per_thread: list[list[Sample]] = [[] for _ in range(clients)]
    threads = [threading.Thread(target=_client, daemon=True, args=(
        base_url.rstrip("/"), Mix(words, image_ids, seed * 1000 + n), deadline, per_thread[n]))
        for n in range(clients)]
    cpu, began = time.process_time(), time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall, cpu = time.monotonic() - began, time.process_time() - cpu
    return LevelRun([s for rows in per_thread for s in rows], wall, cpu)


def _client(base_url: str, mix: Mix, deadline: float, into: list[Sample]) -> None:
    with requests.Session() as session:
        while time.monotonic() < deadline:
            request: Request | None = mix.draw()
            while request is not None and time.monotonic() < deadline:
                sample, answer = send(session, base_url, request)
                into.append(sample)
                request = mix.follow(request, answer) if answer is not None else None


def send(session: requests.Session, base_url: str,
         request: Request) -> tuple[Sample, dict[str, Any] | None]:
    """One GET, timed until its body is read; the parsed search answer when it was one."""
    began = time.perf_counter()
    try:
        answer = session.get(base_url + request.path, params=request.params,
                             timeout=HTTP_TIMEOUT)
        body = answer.content
    except requests.RequestException:
        return Sample(request.kind, time.perf_counter() - began, CONNECTION_FAILED), None
    sample = Sample(request.kind, time.perf_counter() - began, answer.status_code)
    if is_error(answer.status_code) or request.path != "/api/search":
        return sample, None
    parsed = json.loads(body)
    return sample, parsed if isinstance(parsed, dict) else None

"""The fuzz strategies over HTTP against a running stack, for a while: every request logged,
every failure shrunk by hypothesis to a minimal reproducer."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infra.fuzz.contract import Operation, operations, server_prefix
from infra.fuzz.report import dumps, failure_entry, record
from infra.fuzz.strategies import Context, FuzzRequest, request_for
from infra.fuzz.verdict import Verdict, judge

TIMEOUT_SECONDS = 30
# Shrinking one failure over HTTP sends a few hundred requests; past this, stop sending and
# report the smallest failing request seen so far.
SHRINK_SECONDS = 60.0
ROUND = settings(max_examples=10, database=None, deadline=None, derandomize=False,
                 suppress_health_check=list(HealthCheck), report_multiple_bugs=False)


class Failed(AssertionError):
    """The answer broke the contract (hypothesis shrinks on it)."""


@dataclass
class Tally:
    """What was sent and what came back, for the summary."""

    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[dict[str, Any]] = field(default_factory=list)


def send(session: requests.Session, base_url: str, request: FuzzRequest) -> requests.Response:
    """Send exactly these bytes: the target is set after preparing, so nothing re-quotes it."""
    prepared = session.prepare_request(requests.Request(
        request.method, base_url + "/", headers=request.headers, data=request.body))
    prepared.url = base_url + request.target
    return session.send(prepared, timeout=TIMEOUT_SECONDS, allow_redirects=False)


def exchange(session: requests.Session, base_url: str, op: Operation, request: FuzzRequest
             ) -> Verdict:
    """Send one request and judge the answer; a dropped connection is a failure too."""
    try:
        answer = send(session, base_url, request)
    except requests.exceptions.InvalidHeader:
        return Verdict(0, None, None)  # not sendable by a client: nothing was asked
    except requests.RequestException as exc:
        return Verdict(0, None, f"no answer: {type(exc).__name__}")
    return judge(op, answer.status_code, answer.content, front=True)


@dataclass
class Runner:
    """Runs the operations in turn, a small hypothesis round each, until the time is up."""

    base_url: str
    ctx: Context
    log: TextIO
    tally: Tally = field(default_factory=Tally)
    session: requests.Session = field(default_factory=requests.Session)
    seen: set[tuple[str, str, str]] = field(default_factory=set)
    shrink_seconds: float = SHRINK_SECONDS
    clock: Callable[[], float] = time.monotonic
    failing: list[tuple[FuzzRequest, Verdict]] = field(default_factory=list)
    _shrink_until: float = 0.0
    _strategies: dict[tuple[str, str], st.SearchStrategy[FuzzRequest]] = field(
        default_factory=dict)
    # (operation, request) -> verdict; None: over HTTP to base_url (tests pass their own)
    transport: Callable[[Operation, FuzzRequest], Verdict] | None = None

    def _exchange(self, op: Operation, request: FuzzRequest) -> Verdict:
        if self.transport is not None:
            return self.transport(op, request)
        return exchange(self.session, self.base_url, op, request)

    def _check(self, op: Operation, request: FuzzRequest) -> None:
        if self.failing and self.clock() > self._shrink_until:
            return  # out of shrinking time: the smallest failure so far is reported
        verdict = self._exchange(op, request)
        if verdict.status == 0 and verdict.failure is None:
            return
        self.tally.requests += 1
        self.tally.statuses[verdict.status] += 1
        self.log.write(dumps(record(request, verdict, verdict.failure)) + "\n")
        if verdict.failure and (*op.key, verdict.failure) not in self.seen:
            # a failure already reported for this operation is logged, not shrunk again
            if not self.failing:
                self._shrink_until = self.clock() + self.shrink_seconds
            self.failing.append((request, verdict))
            raise Failed(verdict.failure)

    def strategy(self, op: Operation) -> st.SearchStrategy[FuzzRequest]:
        """The operation's strategy, built once (hypothesis validates each new one: slow)."""
        if op.key not in self._strategies:
            self._strategies[op.key] = request_for(op, self.ctx, server_prefix())
        return self._strategies[op.key]

    def round(self, op: Operation) -> None:
        """One hypothesis round over `op`; a failure is shrunk, then recorded once."""

        @ROUND
        @given(self.strategy(op))
        def fuzz(request: FuzzRequest) -> None:
            self._check(op, request)

        self.failing = []
        try:
            fuzz()
        except Failed:  # hypothesis replays its minimal example last
            self._record(op, self.failing[-1])
        except Exception:  # Flaky: shrinking ran out of time, the replay was not sent
            if not self.failing:
                raise
            self._record(op, min(self.failing, key=lambda seen: _size(seen[0])))

    def _record(self, op: Operation, smallest: tuple[FuzzRequest, Verdict]) -> None:
        request, verdict = smallest
        key = (*op.key, str(verdict.failure))
        if key not in self.seen:
            self.seen.add(key)
            entry = failure_entry(request, verdict, str(verdict.failure), self.base_url)
            self.tally.failures.append(entry)

    def run(self, seconds: float) -> Tally:
        """Round-robin over every operation of the document until `seconds` have passed."""
        deadline = self.clock() + seconds
        while self.clock() < deadline:
            for op in operations():
                if self.clock() >= deadline:
                    break
                self.round(op)
        return self.tally


def _size(request: FuzzRequest) -> int:
    """How big a request is: the smaller of two failing ones is the better reproducer."""
    headers = sum(len(name) + len(value) for name, value in request.headers.items())
    return len(request.target) + len(request.body or b"") + headers


def write_failures(path: Path, failures: list[dict[str, Any]]) -> None:
    """One JSON line per distinct failure, reproducers included."""
    path.write_text("".join(dumps(entry) + "\n" for entry in failures), encoding="utf-8")


def summary(tally: Tally) -> str:
    """Requests, by status, and each failure with its curl reproducer."""
    statuses = ", ".join(f"{status}: {n}" for status, n in sorted(tally.statuses.items()))
    lines = [f"{tally.requests} requests ({statuses}); {len(tally.failures)} failures"]
    for entry in tally.failures:
        lines += ["", f"FAILURE {entry['method']} {entry['path']}: {entry['failure']}",
                  f"  curl: {entry['curl']}", "  python:",
                  *(f"    {line}" for line in entry["python"].splitlines())]
    return "\n".join(lines)


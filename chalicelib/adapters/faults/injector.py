"""Decides, call by call, whether a fault plan fails this call, and counts what it injected."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections import Counter
from collections.abc import Callable

from chalicelib.faultplan import FaultPlan, FaultRule

log = logging.getLogger("stock-images.faults")


class FaultInjector:
    """One plan's state: calls counted per rule, seeded draws, injected faults per kind.

    `clock` gives seconds (monotonic by default; tests pass a fake one): windows are measured
    from the moment the injector was made."""

    def __init__(self, plan: FaultPlan, clock: Callable[[], float] = time.monotonic) -> None:
        self.plan = plan
        self._clock = clock
        self._started = clock()
        self._calls = [0] * len(plan.rules)
        self._draws = [random.Random(f"{plan.seed}:{i}") for i in range(len(plan.rules))]
        self._injected: Counter[str] = Counter()
        self._lock = threading.Lock()

    def decide(self, port: str, target: str, method: str) -> str | None:
        """The kind of fault this call gets (counted as injected), or None to pass it on.
        Every rule that covers the call counts it, so rules never shift one another."""
        with self._lock:
            fired = [rule for number, rule in enumerate(self.plan.rules)
                     if self._covers(rule, port, target, method) and self._fires(number, rule)]
            if not fired:
                return None
            kind = fired[0].kind
            self._injected[kind] += 1
        log.warning("fault injected", extra={"fault": kind, "target": target, "method": method})
        return kind

    def injected(self) -> dict[str, int]:
        """How many faults of each kind were injected so far."""
        with self._lock:
            return dict(self._injected)

    @staticmethod
    def _covers(rule: FaultRule, port: str, target: str, method: str) -> bool:
        return rule.port == port and rule.hits(method) and (
            not rule.targets or target in rule.targets)

    def _fires(self, number: int, rule: FaultRule) -> bool:
        self._calls[number] += 1
        call = self._calls[number]
        # Drawn on every counted call, fired or not, so one seed always gives one sequence.
        drawn = self._draws[number].random() < rule.rate if rule.rate else False
        if rule.window is not None:
            elapsed = self._clock() - self._started
            if rule.window[0] <= elapsed < rule.window[1]:
                return True
        return drawn or call in rule.nth or bool(rule.every and call % rule.every == 0)

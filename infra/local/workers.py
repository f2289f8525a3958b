"""Handlers run in spawned worker processes, each with the stack's env and the app imported once."""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import re
import signal
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from infra.local import sources

log = logging.getLogger(__name__)

FUNCTION_TIMEOUT_SECONDS = 120  # the deployed functions' timeout (see template.yaml)
MEMORY_MB = 1024
PARENT_CHECK_SECONDS = 1.0  # how often a worker looks whether the stack is still its parent
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_app: Any = None  # the Chalice app, in each worker process


class LambdaContext:
    """The parts of Lambda's context object handlers and Powertools read."""

    def __init__(self, function_name: str, timeout_seconds: int = FUNCTION_TIMEOUT_SECONDS) -> None:
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.invoked_function_arn = (
            f"arn:aws:lambda:us-east-1:123456789012:function:{function_name}"
        )
        self.memory_limit_in_mb = MEMORY_MB
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = f"local/{os.getpid()}"
        self.identity = None
        self.client_context = None
        self._deadline = time.monotonic() + timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left before the (local, unenforced) timeout."""
        return max(0, int((self._deadline - time.monotonic()) * 1000))


@dataclass(frozen=True)
class Outcome:
    """What one invocation gave: the handler's return value, or the error it raised."""

    result: Any = None
    error: str | None = None


def _set_parent_death_signal() -> bool:
    """Linux: have the kernel SIGKILL this process when its parent dies; False elsewhere."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    return bool(libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0)


def _watch_parent(parent_pid: int) -> None:
    while True:
        if os.getppid() != parent_pid:  # re-parented: the stack is gone (kill -9)
            os._exit(1)
        time.sleep(PARENT_CHECK_SECONDS)


def die_with_parent(parent_pid: int) -> None:
    """End this worker when the stack dies, even by kill -9: it would work against a dead moto.

    The kernel's parent-death signal does it at once; a thread polling the parent pid is the
    fallback (other systems, or a parent that died before the signal was asked for).
    """
    _set_parent_death_signal()
    if os.getppid() != parent_pid:
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent_pid,), name="parent-watch",
                     daemon=True).start()


def _initialize(env: dict[str, str], app_spec: str, parent_pid: int) -> None:
    die_with_parent(parent_pid)
    # Ctrl-C reaches the whole process group; the parent decides when workers stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    for noisy in ("pynamodb", "pyvips"):  # their INFO lines are per-call chatter
        logging.getLogger(noisy).setLevel(logging.WARNING)
    os.environ.update(env)
    global _app
    _app = sources.load_app(app_spec)


def _invoke(function: str, event: dict[str, Any]) -> Outcome:
    context = LambdaContext(function)
    started, cpu_started = time.monotonic(), time.process_time()
    try:
        result = sources.handler(_app, function)(event, context)
    except Exception:
        return Outcome(error=traceback.format_exc())
    finally:
        log.info(report_line(function, context.aws_request_id, len(event.get("Records", [])),
                             time.monotonic() - started, time.process_time() - cpu_started))
    return Outcome(result=result)


def report_line(function: str, request_id: str, records: int, seconds: float,
                cpu_seconds: float) -> str:
    """Lambda's REPORT line, for the local stack: how long one invocation took and the CPU
    its process spent on it (`report_of` reads it back)."""
    return (f"REPORT RequestId: {request_id} Function: {function} Records: {records} "
            f"Duration: {seconds * 1000:.2f} ms CPU: {cpu_seconds * 1000:.2f} ms")


_REPORT = re.compile(r"REPORT RequestId: \S+ Function: (?P<function>\S+) Records: (?P<records>\d+) "
                     r"Duration: (?P<duration>[\d.]+) ms CPU: (?P<cpu>[\d.]+) ms")


@dataclass(frozen=True)
class Report:
    """One invocation as its REPORT line tells it."""

    function: str
    records: int
    seconds: float
    cpu_seconds: float


def report_of(line: str) -> Report | None:
    """The REPORT in a log line, or None if it holds none."""
    found = _REPORT.search(line)
    if found is None:
        return None
    return Report(found["function"], int(found["records"]), float(found["duration"]) / 1000,
                  float(found["cpu"]) / 1000)


def _ready() -> int:
    return os.getpid()


class WorkerPool:
    """A process pool that replaces itself when a worker dies."""

    def __init__(self, env: dict[str, str], app_spec: str, workers: int) -> None:
        self._env, self._app_spec, self.size = dict(env), app_spec, workers
        self._lock = threading.Lock()
        self._closed = False
        # The executor starts worker processes in the thread that submits, and Linux sends the
        # parent-death signal when that THREAD ends: submit from one thread that outlives them.
        self._submitter = ThreadPoolExecutor(1, thread_name_prefix="worker-submitter")
        self._executor = self._new_executor()

    def _new_executor(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.size,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_initialize,
            initargs=(self._env, self._app_spec, os.getpid()),
        )

    def warm_up(self, timeout_seconds: float = 120.0) -> None:
        """Start every worker and import the app in it; raises if that fails or hangs."""
        executor = self._executor
        try:
            futures = [self._submit(executor, _ready) for _ in range(self.size)]
            for future in futures:
                future.result(timeout=timeout_seconds)
        except (BrokenProcessPool, TimeoutError) as exc:
            raise RuntimeError(f"worker processes could not import {self._app_spec}: {exc!r}"
                               ) from exc

    def _submit(self, executor: ProcessPoolExecutor, *call: Any) -> Future[Any]:
        submit: Callable[..., Future[Any]] = executor.submit
        return self._submitter.submit(submit, *call).result()

    def invoke(self, function: str, event: dict[str, Any]) -> Outcome:
        """Run `function` on a worker and wait; a dead worker is an error outcome, not a crash."""
        executor = self._executor
        try:
            return self._submit(executor, _invoke, function, event).result()
        except BrokenProcessPool:
            self._replace(executor)
            return Outcome(error=f"{function}: worker process died (pool recreated)")
        except RuntimeError as exc:  # submitted while shutting down
            return Outcome(error=f"{function}: {exc}")
        except CancelledError:  # still queued when shutdown() cancelled what had not started
            return Outcome(error=f"{function}: cancelled by the stop before it ran")

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._executor is broken and not self._closed:
                log.error("a worker process died; starting a new pool")
                broken.shutdown(wait=False, cancel_futures=True)
                self._executor = self._new_executor()

    def shutdown(self, grace_seconds: float = 5.0) -> None:
        """Stop the workers: give running handlers `grace_seconds`, then terminate them."""
        with self._lock:
            self._closed = True
            executor = self._executor
            # The executor keeps its processes in a private map; there is no public way to
            # stop a worker stuck in a handler, and leaving it would orphan it.
            processes = list(getattr(executor, "_processes", {}).values())
            executor.shutdown(wait=False, cancel_futures=True)
        deadline = time.monotonic() + grace_seconds
        for process in processes:
            process.join(max(0.0, deadline - time.monotonic()))
        for process in processes:
            if process.is_alive():
                process.terminate()
                process.join(2)
            if process.is_alive():
                process.kill()
                process.join()
        self._submitter.shutdown(wait=False)

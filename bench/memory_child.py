"""One Lambda container for the memory benchmark: import app.py, run events, report memory.

    python -m bench.memory_child <function> <events.json> <report.json>

Run in a fresh interpreter with the function's environment. It imports `app` as the Lambda
runtime does (handler `app.<function>`), notes the RSS of the initialised container, then
hands each event to the handler in turn. Before each invocation the kernel's peak-RSS mark is
reset (/proc/self/clear_refs, "5"), so VmHWM and ru_maxrss afterwards are that invocation's
peak. Only the standard library is imported before `app`, so the baseline is the app's.
"""

from __future__ import annotations

import importlib
import json
import resource
import sys
import time
import traceback
import uuid
from pathlib import Path
from typing import Any

STATUS = Path("/proc/self/status")
CLEAR_REFS = Path("/proc/self/clear_refs")
RESET_PEAK = "5"  # clear_refs code that resets the peak RSS (Linux 4.0+)


def status_kb(field: str) -> int:
    """A `kB` field of /proc/self/status (VmRSS, VmHWM), or a count such as Threads."""
    for line in STATUS.read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise KeyError(field)


def reset_peak() -> bool:
    """Start a new peak-RSS measurement here; False where the kernel refuses."""
    try:
        CLEAR_REFS.write_text(RESET_PEAK)
    except OSError:
        return False
    return True


class LambdaContext:
    """The parts of Lambda's context object the handlers and Powertools read."""

    def __init__(self, function: str, memory_mb: int, timeout_seconds: int = 120) -> None:
        self.function_name = function
        self.function_version = "$LATEST"
        self.invoked_function_arn = f"arn:aws:lambda:us-east-1:123456789012:function:{function}"
        self.memory_limit_in_mb = memory_mb
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function}"
        self.log_stream_name = "bench/memory"
        self._deadline = time.monotonic() + timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left before the (unenforced) timeout."""
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def invoke(handler: Any, event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """One invocation with its wall time, peak RSS and what the handler returned."""
    was_reset = reset_peak()
    rss_before = status_kb("VmRSS")
    cpu_began = time.process_time()
    began = time.perf_counter()
    try:
        result: Any = handler(event, context)
        error = None
    except Exception:  # reported, not raised: the parent decides what a failure means
        result, error = None, traceback.format_exc()[-2000:]
    wall = time.perf_counter() - began
    cpu = time.process_time() - cpu_began
    return {"wall_s": round(wall, 4), "cpu_s": round(cpu, 4), "rss_before_kb": rss_before,
            "peak_kb": status_kb("VmHWM"),
            "ru_maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            "rss_after_kb": status_kb("VmRSS"), "threads": status_kb("Threads"),
            "peak_reset": was_reset, "result": result, "error": error}


def run(function: str, events: list[dict[str, Any]], memory_mb: int) -> dict[str, Any]:
    """Initialise like a Lambda container, then invoke `function` once per event."""
    began = time.perf_counter()
    module = importlib.import_module("app")
    handler = getattr(module, function)
    init_s = time.perf_counter() - began
    report: dict[str, Any] = {
        "init_s": round(init_s, 4), "rss_after_init_kb": status_kb("VmRSS"),
        "peak_during_init_kb": status_kb("VmHWM"), "threads_after_init": status_kb("Threads"),
    }
    context = LambdaContext(function, memory_mb)
    report["invocations"] = [invoke(handler, event, context) for event in events]
    return report


def main(argv: list[str]) -> int:
    """Read the events, run them, write the report as JSON."""
    function, events_path, report_path = argv[:3]
    memory_mb = int(argv[3]) if len(argv) > 3 else 1024
    events = json.loads(Path(events_path).read_text())
    report = run(function, events, memory_mb)
    Path(report_path).write_text(json.dumps(report, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

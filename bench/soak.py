"""`make soak`: the local stack under faults, with a verdict on what it acknowledged.

Two runs, each on its own fresh stack on 127.0.0.1:
1. baseline: a few good photos with no faults, for upload -> searchable without faults;
2. soak: N uploads (good photos of several sizes, broken files, bombs, one file sent again and
   again, photos deleted while processing) with fault injection switched on in the stack's
   functions; then it waits for the pipeline to settle, runs the sweeper over everything, waits
   again, and audits the stores directly (bench/soak_audit.py).
Writes bench/results/<date>-<host>-soak.md and exits non-zero unless nothing was lost, stuck,
orphaned or out of step between the index and the table.

    python -m bench.soak [--n 1000] [--baseline 40] [--clients 8] [--faults SPEC]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from bench import machine
from bench.e2e_client import contributor_token
from bench.e2e_stats import summary
from bench.soak_audit import Audit, audit, object_versions, scan_records, searchable_ids
from bench.soak_client import Traffic, Watcher, send_all
from bench.soak_inputs import SoakItem, counts, distinct_photos, mix
from bench.stack import ROOT, StackProcess

RESULTS = ROOT / "bench" / "results"
USERS = ("soak-ana", "soak-ben", "soak-cy", "soak-dee")
# Faults in the functions (ingest, render, indexer, sweeper): see README "Nothing lost".
DEFAULT_FAULTS = ("s3_slowdown:0.02,s3_timeout:0.01,dynamodb_throttle:0.02,dynamodb_race:0.005,"
                  "sqs_send:0.02,search_down:0.05,seed:14")
# The local stack's knobs for a run that must end in minutes: failed deliveries come back after
# 10 s (720 s in AWS), the sweeper runs every 20 s and calls an image stuck after a minute.
SOAK_ENV = {"LOCAL_VISIBILITY_TIMEOUT": "10", "LOCAL_SWEEP_SECONDS": "20",
            "SWEEP_PROCESSING_MINUTES": "3"}
# The closing full passes run once traffic has settled: nothing is in flight, so no grace.
FINAL_SWEEP_ENV = {"SWEEP_PROCESSING_MINUTES": "0", "SWEEP_PENDING_GRACE_MINUTES": "0",
                   "SWEEP_ORPHAN_GRACE_MINUTES": "0"}
SETTLE_SECONDS = 900.0
BATCH_GET = 100  # keys a BatchGetItem takes
SWEEPS = 3
FAULT_LINE = re.compile(r'"fault":\s*"([a-z0-9_]+)"')


def stores(data_dir: Path) -> tuple[Any, Any, Mapping[str, str]]:
    """boto3 DynamoDB and S3 clients on the stack's moto, and the functions' env."""
    from infra.local.clients import client
    from infra.local.settings import read_stack

    stack = read_stack(data_dir)
    if stack is None:
        raise RuntimeError(f"no stack.json in {data_dir}")
    endpoint = stack["moto_endpoint"]
    return client("dynamodb", endpoint), client("s3", endpoint), stack["env"]


def open_ids(data_dir: Path, ids: Sequence[str]) -> list[str]:
    """Which of `ids` are not terminal yet (missing ones count as open: they may be lost)."""
    dynamodb, _s3, env = stores(data_dir)
    statuses = statuses_of(dynamodb, env["IMAGES_TABLE"], ids)
    return [i for i in ids if statuses.get(i, "pending") in ("pending", "processing")]


def statuses_of(dynamodb: Any, table: str, ids: Sequence[str]) -> dict[str, str]:
    """The status of each of `ids` the table holds, read by key (100 at a time, the status
    alone): the wait must not load the stack it waits for, as a whole-table scan every few
    seconds did (500 full items serialised by moto each time)."""
    found: dict[str, str] = {}
    for start in range(0, len(ids), BATCH_GET):
        keys = [{"image_id": {"S": image_id}} for image_id in ids[start:start + BATCH_GET]]
        request: dict[str, Any] = {table: {
            "Keys": keys, "ConsistentRead": True, "ProjectionExpression": "image_id, #s",
            "ExpressionAttributeNames": {"#s": "status"}}}
        while request:
            answer = dynamodb.batch_get_item(RequestItems=request)
            for item in answer["Responses"].get(table, []):
                found[item["image_id"]["S"]] = item["status"]["S"]
            request = answer.get("UnprocessedKeys") or {}
    return found


def settle(data_dir: Path, ids: Sequence[str], seconds: float) -> float:
    """Wait until every id is terminal or `seconds` pass; the seconds it took. Only the ids
    still open are asked again."""
    started, waiting = time.monotonic(), list(ids)
    while time.monotonic() - started < seconds:
        waiting = open_ids(data_dir, waiting)
        if not waiting:
            break
        time.sleep(3)
    return round(time.monotonic() - started, 1)


def sweep(data_dir: Path) -> dict[str, Any]:
    """`make sweep` on this stack: a full pass of the sweeper; its JSON report."""
    done = subprocess.run(
        [sys.executable, "-m", "infra.local.sweep", "--data-dir", str(data_dir), "--json"],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
        env={**os.environ, **FINAL_SWEEP_ENV})
    if done.returncode != 0:
        return {"error": done.stderr[-2000:]}
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    return json.loads(lines[-1]) if lines else {"output": done.stdout[-2000:]}


def final_audit(data_dir: Path, base_url: str, acknowledged: Sequence[str]) -> Audit:
    """Read the table, every bucket's versions and the search API; compare."""
    dynamodb, s3, env = stores(data_dir)
    records = scan_records(dynamodb, env["IMAGES_TABLE"])
    buckets = {kind: list(object_versions(s3, env[name])) for kind, name in (
        ("uploads", "UPLOADS_BUCKET"), ("renditions", "RENDITIONS_BUCKET"),
        ("originals", "ORIGINALS_BUCKET"))}
    return audit(records, acknowledged, buckets, searchable_ids(base_url))


def latencies(traffic: Traffic) -> dict[str, Any]:
    """Upload (storage's 2xx) -> first seen in search, for photos that should be ready."""
    seconds = [traffic.first_seen[s.image_id] - s.acknowledged_at
               for s in traffic.acknowledged()
               if s.item.expect_ready and not s.deleted and s.image_id in traffic.first_seen
               and s.acknowledged_at is not None]
    return summary(seconds)


def upload_rows(traffic: Traffic, started: float) -> list[dict[str, Any]]:
    """Per photo that should end ready: its label, and when it was acknowledged and first seen
    searchable, in seconds from the start of the uploads (None if never seen)."""
    rows = []
    for sent in traffic.acknowledged():
        if not sent.item.expect_ready or sent.deleted or sent.acknowledged_at is None:
            continue
        seen = traffic.first_seen.get(sent.image_id)
        rows.append({"label": sent.item.label,
                     "acknowledged_s": round(sent.acknowledged_at - started, 3),
                     "searchable_s": None if seen is None else round(seen - started, 3)})
    return rows


def faults_injected(log_text: str) -> dict[str, int]:
    """Faults by kind, from the functions' one log line per injected fault."""
    kinds = (FAULT_LINE.search(line) for line in log_text.splitlines()
             if "fault injected" in line)
    return dict(sorted(Counter(found.group(1) for found in kinds if found).items()))


class Crash(threading.Thread):
    """Kills the whole stack (SIGKILL to its process group) `times` times during the uploads,
    at seeded random moments about `after` seconds apart, each time starting it again on the
    same data and ports."""

    PROMISE_SECONDS = 2.0  # what was acknowledged this long before a kill must survive it

    def __init__(self, stack: StackProcess, after: float, times: int = 1, seed: int = 14
                 ) -> None:
        super().__init__(name="soak-crash", daemon=True)
        self._stack, self._after, self._times = stack, after, times
        self._rng = random.Random(seed)
        self.kills: list[tuple[float, float]] = []  # (killed at, serving again at), monotonic

    def run(self) -> None:
        """Wait, kill, restart; `times` times."""
        for _ in range(self._times):
            # never before the tokens' users are saved
            time.sleep(max(self._after * self._rng.uniform(0.5, 1.5), 3.0))
            killed_at = time.monotonic()
            self._stack.kill()
            self._stack.start()
            self.kills.append((killed_at, time.monotonic()))

    def at_risk(self, acknowledged_at: float) -> bool:
        """Acknowledged too close to a kill for the promise to cover it."""
        return any(killed - self.PROMISE_SECONDS <= acknowledged_at <= killed
                   for killed, _back in self.kills)

    def summary(self) -> dict[str, Any]:
        """When each kill came (seconds after the first) and how long each restart took."""
        first = self.kills[0][0] if self.kills else 0.0
        return {"kills": len(self.kills),
                "killed_at_s": [round(killed - first, 1) for killed, _ in self.kills],
                "restart_s": [round(back - killed, 1) for killed, back in self.kills]}


def run(items: Sequence[SoakItem], clients: int, env: Mapping[str, str], sweeps: int,
        workdir: Path, crash_after: float | None = None, crashes: int = 1,
        settle_seconds: float = SETTLE_SECONDS) -> dict[str, Any]:
    """One stack, one batch of uploads (with a kill -9 and restart in the middle when asked),
    settle (at most `settle_seconds`), sweep, settle, audit."""
    workdir.mkdir(parents=True)
    stack = StackProcess(workdir, env=env)
    base_url = stack.start()
    try:
        tokens = [contributor_token(workdir, user) for user in USERS]
        traffic = Traffic()
        watcher = Watcher(base_url, traffic)
        watcher.start()
        crash = Crash(stack, crash_after, crashes) if crash_after else None
        started = time.monotonic()
        if crash is not None:
            crash.start()
        send_all(base_url, tokens, items, clients, traffic)
        if crash is not None:
            crash.join()
        upload_seconds = round(time.monotonic() - started, 1)
        acked = traffic.acknowledged()
        risky = {s.image_id for s in acked
                 if crash is not None and s.acknowledged_at is not None
                 and crash.at_risk(s.acknowledged_at)}
        promised = [s.image_id for s in acked if s.image_id not in risky]
        waits = [settle(workdir, promised, settle_seconds)]
        time.sleep(3)  # the last stream records reach the index
        before_sweep = final_audit(workdir, base_url, promised)
        reports = []
        for _ in range(sweeps):
            reports.append(sweep(workdir))
            waits.append(settle(workdir, promised, 120.0))
        time.sleep(3)  # the last stream records reach the index
        watcher.stop()
        verdict = final_audit(workdir, base_url, promised)
        survived_risk = len(risky) - len(open_ids(workdir, sorted(risky)))
    finally:
        stack.stop()
    log_text = (workdir / "stack.log").read_text(errors="replace")
    return {
        "items": counts(items),
        "sent": len(traffic.sent),
        "acknowledged": len(acked),
        "refused_or_failed_on_client": Counter(s.error.split(":")[0] for s in traffic.sent
                                               if s.error),
        "deleted_while_processing": sum(s.deleted for s in traffic.sent),
        "crash": None if crash is None else {
            "every_s": crash_after, **crash.summary(),
            "acknowledged_within_2s_of_kill": len(risky),
            "of_those_terminal_after_restart": survived_risk},
        "upload_seconds": upload_seconds,
        "settle_seconds": waits,
        "sweeps": reports,
        "audit_before_final_sweeps": before_sweep.summary(),
        "audit": verdict.summary(),
        "clean": verdict.clean,
        "upload_to_searchable_s": latencies(traffic),
        "uploads": upload_rows(traffic, started),
        "faults_injected": faults_injected(log_text),
        "watcher_errors": watcher.errors,
    }


def baseline_items(count: int) -> list[SoakItem]:
    """The fault-free run's uploads: `count` different photos (none a duplicate of another)."""
    return [SoakItem(i, "good", data, "image/jpeg", f"base-{i:04d}.jpg", label)
            for i, (label, data) in enumerate(distinct_photos(count))]


def markdown(results: Mapping[str, Any]) -> str:
    """The results file: the verdict first, then both runs, then the raw numbers."""
    soak, base = results["soak"], results["baseline"]
    audit_ = soak["audit"]
    statuses = audit_["statuses"]
    lines = [f"# Soak run: {results['n']} uploads under faults", ""]
    lines += [f"- {key}: {value}" for key, value in results["machine"].items()]
    lines += ["", "## Verdict", "",
              f"- uploads sent: {soak['sent']} (acknowledged {soak['acknowledged']})",
              *[f"- {status}: {statuses.get(status, 0)}"
                for status in ("ready", "rejected", "failed", "deleted")],
              f"- lost (acknowledged, no terminal record): {audit_['lost']} (must be 0)",
              f"- stuck (pending or processing at the end): {audit_['stuck']} (must be 0)",
              f"- orphan object versions: {audit_['orphans']} (must be 0)",
              f"- index vs table: {audit_['index_missing']} ready images not searchable, "
              f"{audit_['index_extra']} searchable that are not ready (must be 0 and 0)",
              *_crash_lines(soak.get("crash")),
              f"- verdict: {'CLEAN' if soak['clean'] else 'NOT CLEAN'}",
              f"- before the closing full sweeps: {_problems(soak['audit_before_final_sweeps'])}",
              "", "## Upload -> searchable (s)", "",
              "| run | count | p50 | p95 | max |", "|---|---|---|---|---|",
              _latency_row("baseline, no faults", base["upload_to_searchable_s"]),
              _latency_row("soak, with faults", soak["upload_to_searchable_s"]),
              "", "## Faults injected, by kind", ""]
    lines += [f"- {kind}: {count}" for kind, count in soak["faults_injected"].items()] or [
        "- none recorded"]
    lines += ["", "## The run", "",
              f"- mix: {soak['items']}",
              f"- settings: {results['settings']}",
              f"- upload phase: {soak['upload_seconds']} s with {results['clients']} clients",
              f"- settle waits (s): {soak['settle_seconds']} (before the sweeps, then after each)",
              "", "## Raw numbers", "", "```json",
              json.dumps(without_rows(results), indent=1, default=str),
              "```", ""]
    return "\n".join(lines)


def without_rows(results: Mapping[str, Any]) -> dict[str, Any]:
    """The results without each run's per-upload rows (too long for the file)."""
    return {key: ({k: v for k, v in value.items() if k != "uploads"}
                  if isinstance(value, dict) else value) for key, value in results.items()}


def _problems(summary: Mapping[str, Any]) -> str:
    names = ("lost", "stuck", "orphans", "index_missing", "index_extra")
    return ", ".join(f"{name} {summary[name]}" for name in names)


def _crash_lines(crash: Mapping[str, Any] | None) -> list[str]:
    if not crash:
        return ["- no kill -9 in this run"]
    return [f"- kill -9 of the whole stack {crash['kills']} time(s) during the uploads (at "
            f"{crash['killed_at_s']} s after the first kill), back in {crash['restart_s']} s; "
            f"{crash['acknowledged_within_2s_of_kill']} uploads were acknowledged within 2 s of "
            f"a kill (not promised), {crash['of_those_terminal_after_restart']} of them "
            "survived anyway"]


def _latency_row(name: str, row: Mapping[str, Any]) -> str:
    if not row.get("n"):
        return f"| {name} | 0 | - | - | - |"
    return f"| {name} | {row['n']} | {row['p50']} | {row['p95']} | {row['max']} |"


def main(argv: list[str] | None = None) -> int:
    """Run both, write the results file, exit 1 unless the soak run is clean."""
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1000, help="uploads in the soak run")
    parser.add_argument("--baseline", type=int, default=40, help="good photos, no faults")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--faults", default=DEFAULT_FAULTS, help="the stack's FAULT_INJECTION")
    parser.add_argument("--crash-after", type=float, default=60.0,
                        help="kill -9 the stack this many seconds into the uploads, then restart"
                             " it (0: never)")
    parser.add_argument("--crashes", type=int, default=1,
                        help="how many kills, about --crash-after seconds apart")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    items = mix(args.n)
    soak_env = {**SOAK_ENV, "FAULT_INJECTION": args.faults}
    temp = Path(tempfile.mkdtemp(prefix="soak-"))
    try:
        print(f"baseline: {args.baseline} photos, no faults", file=sys.stderr)
        base = run(baseline_items(args.baseline), args.clients, dict(SOAK_ENV), 1,
                   temp / "baseline")
        print(f"soak: {args.n} uploads, faults {args.faults}", file=sys.stderr)
        soak = run(items, args.clients, soak_env, SWEEPS, temp / "soak",
                   args.crash_after or None, args.crashes)
    except BaseException:
        print(f"soak: the run broke off; the stacks' data and logs are kept in {temp}",
              file=sys.stderr)
        raise
    shutil.rmtree(temp, ignore_errors=True)
    results = {"n": args.n, "clients": args.clients, "machine": machine.describe(),
               "settings": soak_env, "baseline": base, "soak": soak}
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"{results['machine']['date'][:10]}-{socket.gethostname()}-soak.md"
    path.write_text(markdown(results))
    print(f"soak: {'clean' if soak['clean'] else 'NOT CLEAN'}; results in {path}",
          file=sys.stderr)
    return 0 if soak["clean"] else 1


if __name__ == "__main__":
    sys.exit(main())

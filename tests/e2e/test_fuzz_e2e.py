"""`make fuzz` for ten seconds against the shared local stack: every answer a 2xx or a listed
4xx in the error shape (the front's own refusals included), the log written, exit status 0."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import ROOT, LocalStack

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
SECONDS = 10


def test_a_bounded_fuzz_run_finds_no_failure(local_stack: LocalStack, tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "infra.local.fuzz", "--seconds", str(SECONDS),
         "--port", str(local_stack.port), "--data-dir", str(local_stack.data_dir),
         "--out", str(tmp_path), "--own-images-only"],
        cwd=ROOT, capture_output=True, text=True, timeout=SECONDS + 180,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    [run_dir] = tmp_path.iterdir()
    sent = [json.loads(line) for line in (run_dir / "requests.jsonl").read_text().splitlines()]
    assert len(sent) >= 20 and f"{len(sent)} requests (" in run.stdout
    assert all(entry["status"] < 500 and entry["failure"] is None for entry in sent)
    assert {entry["status"] // 100 for entry in sent} >= {2, 4}
    assert (run_dir / "failures.jsonl").read_text() == ""
    assert all(entry["headers"].get("Authorization", "<")[0] == "<" for entry in sent)

"""checkov over the built template finds nothing: every deliberate exception is skipped in the
template itself (a resource's Metadata, which `chalice package --merge-template` keeps; YAML
comments don't survive Chalice's rewrite), with its reason."""

from __future__ import annotations

import json
import subprocess
from typing import Any

import pytest

from tests.integration.deploy.conftest import ROOT, Packaged

CHECKOV = ROOT / ".venv-scan" / "bin" / "checkov"


@pytest.fixture(scope="module")
def scan(packaged: Packaged) -> dict[str, Any]:
    """checkov's JSON report on the packaged SAM template (no Prisma Cloud download)."""
    if not CHECKOV.exists():
        pytest.skip("checkov lives in its own venv: `make scan-install` (make test does it)")
    command = [str(CHECKOV), "-f", str(packaged.template_path), "--framework", "cloudformation",
               "-o", "json", "--skip-download"]
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=300)
    # Exit code 1 means failed checks: the report says which, and the test below lists them.
    assert done.returncode in (0, 1), done.stderr[-2000:]
    report = json.loads(done.stdout)
    (found,) = [r for r in (report if isinstance(report, list) else [report])
                if r["check_type"] == "cloudformation"]
    return dict(found)


def test_checkov_reads_every_resource_and_fails_none(
    scan: dict[str, Any], packaged: Packaged
) -> None:
    summary = scan["summary"]
    failed = [f"{c['check_id']} {c['resource']}: {c['check_name']}"
              for c in scan["results"]["failed_checks"]]
    assert failed == [], "checkov failed:\n" + "\n".join(failed)
    assert summary["parsing_errors"] == 0
    # The SAM resources (functions, API) are checked too, not only plain CloudFormation ones.
    assert summary["resource_count"] >= len(packaged.template["Resources"]) - 5
    checked = {c["resource"].split(".")[0] for c in scan["results"]["passed_checks"]}
    assert {"AWS::Serverless::Function", "AWS::S3::Bucket"} <= checked


def test_every_skip_checkov_honoured_is_one_the_template_gives(
    scan: dict[str, Any], packaged: Packaged
) -> None:
    written = {
        (name, skip["id"])
        for name, body in packaged.template["Resources"].items()
        for skip in body.get("Metadata", {}).get("checkov", {}).get("skip", [])
    }  # fmt: skip
    honoured = {(c["resource"].split(".")[-1], c["check_id"])
                for c in scan["results"]["skipped_checks"]}
    assert honoured and honoured <= written

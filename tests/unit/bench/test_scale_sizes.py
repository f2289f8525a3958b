"""docs/scale.md and the README show the settings each size needs as the model computes them
from the committed measurements; this fails when the model, the measurements or a copy moves."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from bench.scale import report
from bench.scale.__main__ import measured_model, sizing_rows

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("document", ["docs/scale.md", "README.md"])
def test_given_the_committed_measurements_then_each_copy_of_the_sizing_table_is_the_models(
    document: str,
) -> None:
    model, _ = measured_model()
    table = "\n".join(report.sizing_table(sizing_rows(model)))
    assert table in (ROOT / document).read_text(), f"{document}: run make scale and copy its table"


def test_given_the_template_then_every_parameter_the_table_names_exists() -> None:
    template = (ROOT / "template.yaml").read_text()
    for name in ("IngestMaximumConcurrency", "RenderMaximumConcurrency", "IndexerParallelization",
                 "ApiThrottleRate", "ApiThrottleBurst", "SearchInstanceCount",
                 "SearchInstanceType"):
        assert f"\n  {name}:\n" in template, name


@pytest.mark.parametrize(("target", "size", "expected"), [
    ("scale", None, "--size all"), ("scale", "medium", "--size medium"),
    ("bench-search", None, "--size 100000"), ("bench-search", "1000", "--size 1000")])
def test_given_make_targets_sharing_size_then_each_keeps_its_own_default(
        target: str, size: str | None, expected: str) -> None:
    # `make scale` once ran `--size 100000`: bench-search's default leaked into it.
    command = ["make", "-n", "-s", target, *([f"SIZE={size}"] if size else [])]
    shown = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True,
                           env={**os.environ, "MAKEFLAGS": ""}).stdout
    assert expected in shown.splitlines()[-1]

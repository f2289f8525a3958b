"""Package the app once (no pip downloads) and hand the SAM template to the tests."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class Packaged:
    """What `python -m infra.package --no-deps` left in its output directory."""

    out: Path
    template: dict[str, Any]

    @property
    def template_path(self) -> Path:
        """The SAM template file."""
        return self.out / "sam.yaml"


@pytest.fixture(scope="session")
def packaged(tmp_path_factory: pytest.TempPathFactory) -> Packaged:
    """GIVEN the app and template.yaml, WHEN `make package` runs without pip, THEN sam.yaml."""
    out = tmp_path_factory.mktemp("package")
    command = [sys.executable, "-m", "infra.package", "--out", str(out), "--no-deps"]
    result = subprocess.run(
        [*command, "--skip-lint"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    # Chalice writes plain YAML (long-form intrinsics), so the safe loader reads it.
    template = yaml.safe_load((out / "sam.yaml").read_text(encoding="utf-8"))
    return Packaged(out=out, template=template)


@pytest.fixture(scope="session")
def template(packaged: Packaged) -> dict[str, Any]:
    """The packaged SAM template, parsed."""
    return packaged.template


@pytest.fixture(scope="session")
def resources(template: dict[str, Any]) -> dict[str, Any]:
    """Its Resources section."""
    resources: dict[str, Any] = template["Resources"]
    return resources

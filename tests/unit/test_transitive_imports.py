"""The layer rules on what a module really loads: each one imported alone, in a fresh
interpreter, with everything it pulls in transitively (a direct-import check misses a package
`__init__` that drags in a library)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "chalicelib"
# Libraries that do I/O or pixels: the pure layers must reach them only through ports.
IO_LIBRARIES = {
    "boto3", "botocore", "pynamodb", "chalice", "PIL", "pyvips", "opensearchpy", "requests",
    "requests_aws4auth", "jwt", "tantivy", "aws_lambda_powertools", "urllib3",
}
SHARED_SERVICES = {
    "chalicelib.services.deps", "chalicelib.services.publishing", "chalicelib.services.access",
    "chalicelib.services.indexing",  # the index's view of an image: indexer's and sweeper's
    "chalicelib.services.quotas",  # upload quotas: the grant (uploads) and the usage view
    "chalicelib.services.duplicates",  # the duplicate check ingest asks before it accepts
}
PROBE = """
import importlib, json, sys
importlib.import_module(sys.argv[1])
print(json.dumps(sorted(sys.modules)))
"""


def _module_names(layer: str) -> list[str]:
    base = PACKAGE / layer
    paths = sorted(base.rglob("*.py")) if base.is_dir() else [PACKAGE / f"{layer}.py"]
    names = []
    for path in paths:
        parts = path.relative_to(ROOT).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def _loaded(module: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, module], cwd=ROOT, capture_output=True, text=True,
        check=False, env={"PYTHONPATH": str(ROOT), "AWS_DEFAULT_REGION": "us-east-1"},
    )
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout))


PURE = [*_module_names("domain"), *_module_names("ports"), *_module_names("services"),
        "chalicelib.auth", "chalicelib.auth.principal"]


@pytest.mark.parametrize("module", PURE)
def test_pure_layers_load_no_io_library_and_no_adapter(module: str) -> None:
    # GIVEN a fresh interpreter WHEN only this module is imported
    loaded = _loaded(module)
    # THEN nothing that talks to the outside world came with it
    assert not {name.split(".")[0] for name in loaded} & IO_LIBRARIES
    assert not {n for n in loaded if n.startswith(("chalicelib.adapters", "chalicelib.bootstrap",
                                                    "chalicelib.entrypoints"))}


@pytest.mark.parametrize("module", _module_names("domain"))
def test_the_domain_loads_only_the_standard_library_and_itself(module: str) -> None:
    ours = {n for n in _loaded(module) if n.startswith("chalicelib.")}
    assert all(n.startswith("chalicelib.domain") for n in ours), ours


@pytest.mark.parametrize("module", _module_names("services"))
def test_no_service_loads_a_sibling_service(module: str) -> None:
    # What several use cases share lives in modules every service may use (their wiring and the
    # rendition bookkeeping); anything else would be one use case calling another.
    allowed = {"chalicelib.services", module, *SHARED_SERVICES}
    package = ".".join(module.split(".")[:3])  # a use case split into modules loads its own
    siblings = {n for n in _loaded(module) if n.startswith("chalicelib.services.")} - allowed
    siblings = {n for n in siblings if n != package and not n.startswith(package + ".")}
    assert not siblings, siblings

"""The import rules of the architecture, checked on the source."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "chalicelib"
THIRD_PARTY_IO = {
    "boto3",
    "botocore",
    "pynamodb",
    "chalice",
    "PIL",
    "pyvips",
    "opensearchpy",
    "requests",
    "requests_aws4auth",
    "aws_lambda_powertools",
    "jwt",
}
HEAVY = {"pyvips", "PIL", "opensearchpy"}
# What a use case may import from its own layer: the deps it is given, the rendition
# bookkeeping ingest and render share, who may see what, and the index's view of an image
# (the indexer's and the sweeper's). Use cases never call one another; a use case split into
# a package imports its own modules.
SHARED_SERVICES = {
    "chalicelib.services.deps", "chalicelib.services.publishing", "chalicelib.services.access",
    "chalicelib.services.indexing", "chalicelib.services.quotas",
    "chalicelib.services.duplicates",  # the duplicate check ingest asks before it accepts
}


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py"))


def _imports(path: Path, top_level_only: bool = False) -> set[str]:
    tree = ast.parse(path.read_text())
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    names: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _layer(path: Path) -> str:
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def _roots(names: set[str]) -> set[str]:
    return {n.split(".")[0] for n in names}


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_layer_rules(path: Path) -> None:
    names = _imports(path)
    layer = _layer(path)
    ours = {n for n in names if n.startswith("chalicelib")}
    assert not _roots(names) & {"infra", "tests"}, "chalicelib never imports infra or tests"
    if layer == "domain":
        foreign = _roots(names) - set(sys.stdlib_module_names) - {"chalicelib"}
        assert not foreign, f"domain is stdlib only: {foreign}"
        assert all(n.startswith("chalicelib.domain") for n in ours)
    if layer == "services":
        assert not _roots(names) & THIRD_PARTY_IO
        own = ".".join(path.relative_to(ROOT).with_suffix("").parts[:3])
        siblings = {n for n in ours if n.startswith("chalicelib.services")} - SHARED_SERVICES
        siblings = {n for n in siblings if not n.startswith(own + ".")}
        assert not siblings, f"use cases share only {sorted(SHARED_SERVICES)}: {siblings}"
        assert not {
            n
            for n in ours
            if n.startswith(
                ("chalicelib.adapters", "chalicelib.entrypoints", "chalicelib.bootstrap")
            )
        }
    if layer == "adapters":
        assert not {
            n for n in ours if n.startswith(("chalicelib.services", "chalicelib.entrypoints"))
        }
    if layer not in ("adapters", "bootstrap"):
        assert not {n for n in ours if n.startswith("chalicelib.adapters")}, (
            "only bootstrap wires adapters"
        )


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_heavy_libraries_are_imported_lazily(path: Path) -> None:
    assert not _roots(_imports(path, top_level_only=True)) & HEAVY


@pytest.mark.parametrize(
    "path",
    [p for p in _modules() if _layer(p) == "entrypoints"],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_entrypoints_reach_aws_only_through_ports(path: Path) -> None:
    # Clients are adapters' business, made once in bootstrap with the stack's endpoint.
    assert not _roots(_imports(path)) & {"boto3", "botocore"}


def test_app_py_has_no_boto3_and_stays_thin() -> None:
    app = ROOT / "app.py"
    assert not _roots(_imports(app)) & {"boto3", "botocore", "pynamodb"}
    assert len(app.read_text().splitlines()) <= 120

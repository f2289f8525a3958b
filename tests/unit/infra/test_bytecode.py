"""Bytecode shipped with the Lambda code: hash-based, unchecked, reproducible, in the zip."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

from infra import bytecode
from infra.package import zip_tree

VERSION = f"{sys.version_info.major}.{sys.version_info.minor}"
UNCHECKED_HASH = 0b01  # PEP 552 flags: hash-based, source not checked


def _tree(root: Path) -> Path:
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "mod.py").write_text("ANSWER = 42\n")
    return root


def test_compiled_files_are_unchecked_hash_pycs_beside_their_sources(tmp_path: Path) -> None:
    tree = _tree(tmp_path / "code")
    bytecode.compile_tree(tree, sys.executable, "/var/task")
    pycs = sorted((tree / "pkg" / "__pycache__").glob("*.pyc"))
    assert [p.name.split(".")[0] for p in pycs] == ["__init__", "mod"]
    flags = int.from_bytes(pycs[1].read_bytes()[4:8], "little")
    assert flags == UNCHECKED_HASH  # used as is: the zip's fixed timestamps cannot fool it
    assert b"/var/task/pkg/mod.py" in pycs[1].read_bytes()  # tracebacks name Lambda's path


def test_bytecode_is_added_to_a_zip_and_the_zip_stays_reproducible(tmp_path: Path) -> None:
    # GIVEN a deployment zip of sources only, made twice from the same files
    first, second = tmp_path / "a.zip", tmp_path / "b.zip"
    zip_tree(_tree(tmp_path / "one"), first)
    zip_tree(_tree(tmp_path / "two"), second)
    # WHEN bytecode is added to both
    bytecode.compile_zip(first, sys.executable, zip_tree, "/var/task")
    bytecode.compile_zip(second, sys.executable, zip_tree, "/var/task")
    # THEN each holds a .pyc for every module, and the two zips are the same bytes
    with zipfile.ZipFile(first) as bundle:
        names = bundle.namelist()
    assert "pkg/mod.py" in names
    assert any(n.startswith("pkg/__pycache__/mod.") and n.endswith(".pyc") for n in names)
    assert first.read_bytes() == second.read_bytes()


def test_only_an_interpreter_of_the_asked_version_is_accepted() -> None:
    assert bytecode.runtime_python("2.1") is None  # no python2.1 anywhere
    found = bytecode.runtime_python(VERSION)
    assert found is None or found.endswith(f"python{VERSION}")

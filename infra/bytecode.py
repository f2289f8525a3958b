"""Ship bytecode made by the Lambda runtime's own Python with the code and the layer.

Lambda's /var/task and /opt are read-only, so a function that ships only sources compiles every
module it imports on each cold start and can never keep the result: bench/coldstart.py measured
about 0.33 s more for api, ingest and render and 0.52 s for the indexer. Hash-based,
unchecked .pyc files are used as they are (the zip's fixed timestamps would defeat the usual
mtime check) and are the same bytes for the same sources, so the artefacts stay reproducible.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

Zipper = Callable[[Path, Path], Path]


def runtime_python(version: str) -> str | None:
    """A `python<version>` that really is that version: on PATH, else a pyenv install (whose
    shim on PATH fails unless that version is selected), else None."""
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    candidates = [shutil.which(f"python{version}")]
    candidates += [str(p) for p in sorted(pyenv.glob(f"{version}*/bin/python{version}"))]
    return next((c for c in candidates if c and _is_version(c, version)), None)


def _is_version(python: str, version: str) -> bool:
    probe = subprocess.run(
        [python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
        capture_output=True, text=True, check=False,
    )
    return probe.returncode == 0 and probe.stdout.strip() == version


def compile_tree(root: Path, python: str, mounted_at: str) -> None:
    """Write __pycache__/*.pyc beside every .py under `root`, hash-based and unchecked, naming
    files by where Lambda mounts `root` (tracebacks read right, builds stay identical)."""
    command = [python, "-m", "compileall", "-q", "-j", "0", "-s", str(root), "-p", mounted_at]
    command += ["--invalidation-mode", "unchecked-hash", str(root)]
    subprocess.run(command, check=True, capture_output=True)


def compile_zip(archive: Path, python: str, zipper: Zipper, mounted_at: str) -> None:
    """Add the bytecode to an existing zip (rewritten by `zipper`, which keeps it stable)."""
    with tempfile.TemporaryDirectory(prefix="bytecode-") as folder:
        tree = Path(folder) / "tree"
        with zipfile.ZipFile(archive) as bundle:
            bundle.extractall(tree)
        compile_tree(tree, python, mounted_at)
        zipper(tree, archive)

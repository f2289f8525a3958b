"""`make lock`: the hash locks under requirements/ from the human-edited inputs, and their reader.

Every install (the dev venv, the bench and scan venvs, the Lambda code and the imaging layer)
reads a lock: exact versions, the sha256 of every distribution of each version on PyPI (so
one lock serves Linux x86_64 here and manylinux aarch64/x86_64 on Lambda), installed with
`pip install --require-hashes`. The inputs stay short and readable (top-level pins only).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCK_DIR = ROOT / "requirements"
# One resolution for every platform from this Python up: the dev machines run 3.11, Lambda
# 3.12, so markers (python_version, sys_platform) stay in the lock and pip applies them.
LOWEST_PYTHON = "3.11"
# The only packages allowed to build from an sdist (PyPI has no wheel of pyvips 3.x). They are
# built without build isolation, by the pinned setuptools/cffi/pkgconfig of build.lock, and
# must build to pure-Python wheels (infra/package.py refuses anything else for Lambda).
SOURCE_ONLY = ("pyvips",)
COMMAND = "make lock"
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*==\s*([^\s;\\]+)")
_HASH = re.compile(r"--hash=(sha256:[0-9a-f]{64})")


@dataclass(frozen=True)
class LockSpec:
    """One lock: the input a human edits, the lock generated from it, what constrains it."""

    name: str
    source: Path
    constraints: tuple[str, ...] = ()

    @property
    def lock(self) -> Path:
        """Where the lock is written."""
        return LOCK_DIR / f"{self.name}.lock"


# In resolution order. dev (the largest set) is resolved first; every lock installed beside
# it or shipped from the same code takes dev's versions, so the tests run what Lambda runs.
LOCKS = (
    LockSpec("dev", ROOT / "requirements-dev.txt", constraints=("requirements/build.in",)),
    LockSpec("runtime", ROOT / "requirements.txt", constraints=("dev",)),
    LockSpec("imaging", ROOT / "layers" / "imaging" / "requirements.txt", constraints=("dev",)),
    LockSpec("build", LOCK_DIR / "build.in", constraints=("dev",)),
    LockSpec("bench", ROOT / "requirements-bench.txt", constraints=("dev",)),
    # Its own venv (.venv-scan): resolved on its own, with the same pip and setuptools.
    LockSpec("scan", ROOT / "requirements-scan.txt", constraints=("requirements/build.in",)),
)


@dataclass(frozen=True)
class LockEntry:
    """One `name==version [; marker]` of a lock with its hashes."""

    name: str
    version: str
    marker: str
    hashes: tuple[str, ...]

    def requirement_line(self) -> str:
        """The entry as pip reads it, hashes included."""
        marker = f" ; {self.marker}" if self.marker else ""
        hashes = "".join(f" --hash={digest}" for digest in self.hashes)
        return f"{self.name}=={self.version}{marker}{hashes}"


def canonical(name: str) -> str:
    """PEP 503 name: `PyJWT` and `pyjwt`, `Pyvips_Binary` and `pyvips-binary` are one package."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _logical_lines(text: str) -> Iterable[str]:
    """Lines with backslash continuations joined and comments dropped."""
    pending = ""
    for raw in text.splitlines():
        line = raw.split(" #", 1)[0].rstrip() if not raw.lstrip().startswith("#") else ""
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        joined = (pending + line).strip()
        pending = ""
        if joined:
            yield joined


def read_lock(path: Path) -> list[LockEntry]:
    """Every entry of a lock file (a name may appear twice under different markers)."""
    entries = []
    for line in _logical_lines(path.read_text(encoding="utf-8")):
        match = _PIN.match(line)
        if match is None:
            continue
        requirement = line.split("--hash=", 1)[0]
        marker = requirement.split(";", 1)[1].strip() if ";" in requirement else ""
        name, version = canonical(match.group(1)), match.group(3)
        entries.append(LockEntry(name, version, marker, tuple(_HASH.findall(line))))
    return entries


def read_options(path: Path) -> list[str]:
    """The pip options a lock carries (`--only-binary :all:`, `--no-binary pyvips`)."""
    text = path.read_text(encoding="utf-8")
    return [line for line in _logical_lines(text) if line.startswith("--")]


def read_pins(source: Path) -> dict[str, str]:
    """name -> version of every `==` pin in an input, following its `-r` includes."""
    pins: dict[str, str] = {}
    for line in _logical_lines(source.read_text(encoding="utf-8")):
        if line.startswith(("-r ", "--requirement ")):
            pins.update(read_pins(source.parent / line.split(maxsplit=1)[1]))
            continue
        match = _PIN.match(line)
        if match:
            pins[canonical(match.group(1))] = match.group(3)
    return pins


def stale_pins(spec: LockSpec) -> list[str]:
    """What the lock says differently from its input, one sentence each (empty: in step)."""
    if not spec.lock.exists():
        return [f"{_rel(spec.lock)} is missing: run `{COMMAND}`"]
    locked: dict[str, set[str]] = {}
    for entry in read_lock(spec.lock):
        locked.setdefault(entry.name, set()).add(entry.version)
    problems = []
    for name, version in sorted(read_pins(spec.source).items()):
        if version not in locked.get(name, set()):
            have = ", ".join(sorted(locked.get(name, set()))) or "nothing"
            problems.append(f"{_rel(spec.source)} pins {name}=={version} but "
                            f"{_rel(spec.lock)} has {have}: run `{COMMAND}` and commit both")
    return problems


def unhashed(path: Path) -> list[str]:
    """Entries of a lock without a single --hash (pip --require-hashes would refuse them)."""
    return [f"{e.name}=={e.version}" for e in read_lock(path) if not e.hashes]


def split_source_only(entries: Sequence[LockEntry]) -> tuple[list[LockEntry], list[LockEntry]]:
    """(entries installed from wheels, entries built here from their sdist)."""
    wheels = [e for e in entries if e.name not in SOURCE_ONLY]
    sources = [e for e in entries if e.name in SOURCE_ONLY]
    return wheels, sources


def write_requirements(entries: Iterable[LockEntry], path: Path) -> Path:
    """A requirements file of these entries, hashes kept, for one pip call."""
    path.write_text("".join(f"{e.requirement_line()}\n" for e in entries), encoding="utf-8")
    return path


def lock_path(name: str) -> Path:
    """The lock of one LockSpec by name (`runtime`, `imaging`, `build`, `dev`, ...)."""
    return next(spec.lock for spec in LOCKS if spec.name == name)


def _names_lock(constraint: str) -> bool:
    return "/" not in constraint


def _constraint_path(constraint: str) -> Path:
    """A constraint names another lock (`dev`) or a file relative to the repository."""
    return lock_path(constraint) if _names_lock(constraint) else ROOT / constraint


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)


def compile_command(spec: LockSpec, uv: str, upgrade: bool = False) -> list[str]:
    """The `uv pip compile` that writes one lock (paths relative to the repository)."""
    command = [uv, "pip", "compile", _rel(spec.source), "--output-file", _rel(spec.lock)]
    command += ["--universal", "--python-version", LOWEST_PYTHON, "--generate-hashes"]
    command += ["--only-binary", ":all:"]
    command += [option for name in SOURCE_ONLY for option in ("--no-binary", name)]
    for constraint in spec.constraints:
        command += ["--constraints", _rel(_constraint_path(constraint))]
    command += ["--custom-compile-command", COMMAND, "--quiet"]
    return [*command, "--upgrade"] if upgrade else command


def build_options() -> list[str]:
    """What a lock tells pip about sdists: wheels only, but for SOURCE_ONLY. The order matters:
    pip's `--only-binary :all:` clears every `--no-binary` read before it."""
    return ["--only-binary :all:", *(f"--no-binary {name}" for name in SOURCE_ONLY)]


def state_build_options(lock: Path) -> None:
    """Put build_options() after the lock's header comment, so a plain
    `pip install --require-hashes -r <lock>` takes no sdist it should not."""
    lines = lock.read_text(encoding="utf-8").splitlines()
    lines = [line for line in lines if not line.startswith(("--only-binary", "--no-binary"))]
    header = 0
    while header < len(lines) and lines[header].startswith("#"):
        header += 1
    stated = [*lines[:header], *build_options(), *lines[header:]]
    lock.write_text("\n".join(stated) + "\n", encoding="utf-8")


def _uv() -> str:
    beside = Path(sys.executable).parent / "uv"
    return str(beside) if beside.exists() else "uv"


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--upgrade", action="store_true",
                        help="newest versions of everything not pinned in an input")
    parser.add_argument("--uv", default=_uv(), help="the uv binary (default: the venv's)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Write every lock whose input exists, in LOCKS order; stops at the first failure."""
    args = _arguments(argv)
    for spec in LOCKS:
        if not spec.source.exists():
            print(f"lock: no {_rel(spec.source)}, no {_rel(spec.lock)}")
            continue
        result = subprocess.run(compile_command(spec, args.uv, args.upgrade), cwd=ROOT, check=False)
        if result.returncode != 0:
            print(f"lock: resolving {_rel(spec.source)} failed", file=sys.stderr)
            return result.returncode
        state_build_options(spec.lock)
        print(f"lock: {_rel(spec.lock)}: {len(read_lock(spec.lock))} packages")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

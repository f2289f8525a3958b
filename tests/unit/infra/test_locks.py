"""The hash locks under requirements/: in step with their inputs, hashed, and the only thing
any install reads (the Makefile, CI, the Lambda code and the imaging layer)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from infra import locks, package

ROOT = locks.ROOT
PRESENT = [spec for spec in locks.LOCKS if spec.source.exists()]


@pytest.mark.parametrize("spec", PRESENT, ids=[spec.name for spec in PRESENT])
def test_every_pin_of_an_input_is_the_version_its_lock_installs(spec: locks.LockSpec) -> None:
    # A human bumped a pin without `make lock`: the message says what to run.
    assert locks.stale_pins(spec) == []


@pytest.mark.parametrize("spec", PRESENT, ids=[spec.name for spec in PRESENT])
def test_every_lock_entry_carries_a_sha256(spec: locks.LockSpec) -> None:
    entries = locks.read_lock(spec.lock)
    assert entries, f"{spec.lock} has no entries"
    assert locks.unhashed(spec.lock) == []


@pytest.mark.parametrize("spec", PRESENT, ids=[spec.name for spec in PRESENT])
def test_every_lock_takes_wheels_only_but_for_the_known_sdists(spec: locks.LockSpec) -> None:
    # The order matters: pip's --only-binary :all: clears a --no-binary read before it.
    assert locks.read_options(spec.lock) == locks.build_options()


def test_the_build_tools_are_locked_and_the_dev_venv_agrees() -> None:
    build = {e.name: e.version for e in locks.read_lock(locks.lock_path("build"))}
    dev = {e.name: e.version for e in locks.read_lock(locks.lock_path("dev"))}
    assert {"pip", "setuptools", "cffi", "pkgconfig"} <= set(build)
    assert {name: dev[name] for name in build if name in dev} == {
        name: build[name] for name in build if name in dev
    }


def test_the_lambda_locks_take_the_versions_the_tests_run() -> None:
    dev = {e.name: e.version for e in locks.read_lock(locks.lock_path("dev"))}
    for name in ("runtime", "imaging"):
        shipped = {e.name: e.version for e in locks.read_lock(locks.lock_path(name))}
        assert {n: dev.get(n) for n in shipped} == shipped, name


def _spec_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pin: str) -> locks.LockSpec:
    monkeypatch.setattr(locks, "LOCK_DIR", tmp_path)
    (tmp_path / "base.txt").write_text("PyJWT[crypto]==2.15.1  # comment\n", encoding="utf-8")
    source = tmp_path / "input.txt"
    source.write_text(f"-r base.txt\n{pin}\n", encoding="utf-8")
    (tmp_path / "demo.lock").write_text(
        "# header\n--only-binary :all:\n"
        "pyjwt==2.15.1 \\\n    --hash=sha256:" + "a" * 64 + "\n"
        "boto3==1.44.5 ; python_version >= '3.11' \\\n    --hash=sha256:" + "b" * 64 + "\n"
        "    # via -r input.txt\n"
        "s3transfer==0.20.0\n",
        encoding="utf-8",
    )
    return locks.LockSpec("demo", source)


def test_a_bumped_pin_without_a_relock_is_reported_with_the_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    in_step = _spec_in(tmp_path, monkeypatch, "boto3==1.44.5")
    assert locks.stale_pins(in_step) == []
    bumped = _spec_in(tmp_path, monkeypatch, "boto3==1.45.0")
    [problem] = locks.stale_pins(bumped)
    assert "boto3==1.45.0" in problem and "1.44.5" in problem and "`make lock`" in problem


def test_a_pin_in_an_included_input_counts_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = _spec_in(tmp_path, monkeypatch, "boto3==1.44.5")
    (tmp_path / "base.txt").write_text("pyjwt==2.16.0\n", encoding="utf-8")
    [problem] = locks.stale_pins(spec)
    assert "pyjwt==2.16.0" in problem


def test_an_entry_without_a_hash_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = _spec_in(tmp_path, monkeypatch, "boto3==1.44.5")
    assert locks.unhashed(spec.lock) == ["s3transfer==0.20.0"]
    boto3 = next(e for e in locks.read_lock(spec.lock) if e.name == "boto3")
    assert boto3.marker == "python_version >= '3.11'"
    assert boto3.hashes == ("sha256:" + "b" * 64,)


def test_a_missing_lock_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = _spec_in(tmp_path, monkeypatch, "boto3==1.44.5")
    spec.lock.unlink()
    [problem] = locks.stale_pins(spec)
    assert "missing" in problem and "`make lock`" in problem


def test_make_lock_resolves_for_every_platform_with_hashes() -> None:
    spec = next(s for s in locks.LOCKS if s.name == "runtime")
    command = locks.compile_command(spec, "uv")
    assert command[:3] == ["uv", "pip", "compile"]
    assert {"--universal", "--generate-hashes"} <= set(command)
    assert command[command.index("--only-binary") + 1] == ":all:"
    assert command[command.index("--constraints") + 1] == "requirements/dev.lock"


def test_the_scan_input_is_locked_when_it_lands() -> None:
    scan = next(s for s in locks.LOCKS if s.name == "scan")
    assert scan.source == ROOT / "requirements-scan.txt"
    assert scan.lock == ROOT / "requirements" / "scan.lock"


def _pip_installs(text: str) -> list[str]:
    joined = text.replace("\\\n", " ")
    return [line for line in joined.splitlines() if re.search(r"pip\S* install|PIP_INSTALL", line)]


def test_every_install_of_the_makefile_and_ci_checks_hashes() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    definition = re.search(r"^PIP_INSTALL = (.*)$", makefile, re.M)
    assert definition and "--require-hashes" in definition.group(1)
    for path in (ROOT / "Makefile", ROOT / ".ci" / "run"):
        for line in _pip_installs(path.read_text(encoding="utf-8")):
            if line.startswith("PIP_INSTALL ="):
                continue
            assert "$(PIP_INSTALL)" in line or "--require-hashes" in line, line
            assert re.search(r"-r requirements/\w+\.lock", line), line


class _Recorder:
    """Stands in for subprocess.run: records each pip call and fakes the sdist build."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []
        self.files: dict[str, str] = {}

    def __call__(self, command: list[str], **_: Any) -> subprocess.CompletedProcess[str]:
        self.calls.append(command)
        if "-r" in command:
            requirements = Path(command[command.index("-r") + 1])
            step = "wheel" if "wheel" in command else "install"
            self.files[step] = requirements.read_text(encoding="utf-8")
        if "wheel" in command:
            wheelhouse = Path(command[command.index("--wheel-dir") + 1])
            wheelhouse.mkdir(parents=True)
            (wheelhouse / "pyvips-3.2.0-py3-none-any.whl").write_bytes(b"")
        return subprocess.CompletedProcess(command, 0)


def test_the_layer_installs_its_lock_hash_checked_and_builds_pyvips_from_its_sdist(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = _Recorder()
    monkeypatch.setattr(package.subprocess, "run", recorder)
    package.pip_install_for_lambda(locks.lock_path("imaging"), tmp_path / "python", "arm64")
    build, wheels, built = recorder.calls
    # THEN pyvips' sdist is hash-checked and built by the venv's pinned build tools
    assert {"wheel", "--require-hashes", "--no-build-isolation", "--no-deps"} <= set(build)
    assert recorder.files["wheel"].startswith("pyvips==3.2.0 --hash=sha256:")
    # AND every other pin of the lock comes as a hash-checked wheel for the Lambda platform
    assert {"install", "--require-hashes", "--no-deps", "--only-binary=:all:"} <= set(wheels)
    installed = {line.split("==")[0] for line in recorder.files["install"].splitlines()}
    assert installed == {"cffi", "pycparser", "pyvips-binary", "pillow"}
    assert all("--hash=sha256:" in line for line in recorder.files["install"].splitlines())
    # AND the built pyvips wheel goes to the same target, checked against the same platform
    assert built[-1].endswith("pyvips-3.2.0-py3-none-any.whl")
    assert "manylinux_2_28_aarch64" in built and str(tmp_path / "python") in built

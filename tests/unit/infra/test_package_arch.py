"""infra/package.py's architecture setting, layer size check and reproducible zips."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from infra import package


def _platforms(args: list[str]) -> set[str]:
    return {args[i + 1] for i, arg in enumerate(args) if arg == "--platform"}


@pytest.mark.parametrize(("arch", "machine", "other"),
                         [("arm64", "aarch64", "x86_64"), ("x86_64", "x86_64", "aarch64")])
def test_one_arch_setting_picks_every_wheel_platform(arch: str, machine: str, other: str) -> None:
    platforms = _platforms(package.lambda_pip_args(arch))
    # THEN the manylinux_2_28 wheels (pyvips-binary, Pillow 13) and manylinux2014 ones match
    assert {f"manylinux_2_28_{machine}", f"manylinux2014_{machine}"} <= platforms
    assert not any(other in p for p in platforms)


def test_arm64_is_the_default_and_lambda_arch_overrides_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("LAMBDA_ARCH", raising=False)
    assert package._arguments([]).arch == "arm64"
    monkeypatch.setenv("LAMBDA_ARCH", "x86_64")
    assert package._arguments([]).arch == "x86_64"
    assert package._arguments(["--arch", "arm64"]).arch == "arm64"


def test_the_same_files_zip_to_the_same_bytes(tmp_path: Path) -> None:
    # GIVEN one tree written twice, at different times
    def tree(name: str, mtime: int) -> Path:
        base = tmp_path / name
        (base / "python" / "pkg").mkdir(parents=True)
        for rel in ("python/pkg/__init__.py", "python/lib.so"):
            (base / rel).write_bytes(rel.encode() * 50)
            os.utime(base / rel, (mtime, mtime))
        return base

    one = package.zip_tree(tree("a", 1_000_000_000), tmp_path / "a.zip")
    two = package.zip_tree(tree("b", 1_700_000_000), tmp_path / "b.zip")
    # THEN the archives are identical
    assert one.read_bytes() == two.read_bytes()
    assert package.unzipped_bytes(one) == 50 * len(b"python/pkg/__init__.py" + b"python/lib.so")


def test_a_layer_over_the_unzipped_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    (tmp_path / "t" / "python").mkdir(parents=True)
    (tmp_path / "t" / "python" / "big.so").write_bytes(b"\0" * 4096)
    archive = package.zip_tree(tmp_path / "t", tmp_path / "layer.zip")
    assert package.check_layer_size(archive) == 4096
    assert "MiB zipped" in capsys.readouterr().out
    monkeypatch.setattr(package, "UNZIPPED_LIMIT_BYTES", 4095)
    with pytest.raises(package.PackagingError, match="unzipped limit"):
        package.check_layer_size(archive)

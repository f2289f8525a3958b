"""`make package`: app + template.yaml -> build/sam.yaml, deployment.zip and the imaging layer."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

from infra import bytecode, locks

ROOT = Path(__file__).resolve().parents[1]
# Lambda's python3.12 runs on Amazon Linux 2023 (glibc 2.34). python3.11 runs on Amazon
# Linux 2 (glibc 2.26), where the pinned pyvips-binary and Pillow 13 wheels
# (manylinux_2_28) cannot load. template.yaml sets the same runtime on every function.
LAMBDA_RUNTIME = "python3.12"
LAMBDA_GLIBC_MINOR = 34
# Lambda's architecture names and the machine tag manylinux wheels carry for each. One
# setting (--arch, or LAMBDA_ARCH) picks the wheels of the vendored code and of the layer;
# the template's Architectures must name the same one (its Architecture parameter).
MACHINES = {"arm64": "aarch64", "x86_64": "x86_64"}
DEFAULT_ARCH = "arm64"
# Where the layer zip lands, relative to the output dir (ImagingLayer's ContentUri).
LAYER_ZIP = Path("layers") / "imaging.zip"
# Function code plus every layer, unzipped, must fit in this (Lambda quota).
UNZIPPED_LIMIT_BYTES = 250 * 1024 * 1024
# The pip of this venv: pinned, with its hashes, by requirements/build.lock.
_PIP = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
# How an ELF shared object names the glibc symbol versions it needs.
_GLIBC_VERSION = re.compile(rb"GLIBC_2\.(\d+)")
# Read by app.py at import (queue names, stream ARN): a developer's shell must not leak in.
_IMPORT_TIME_ENV = (
    "RESOURCE_PREFIX",
    "INGEST_QUEUE",
    "RENDER_QUEUE",
    "IMAGES_STREAM_ARN",
    "AWS_ENDPOINT_URL",
)


class PackagingError(RuntimeError):
    """The artefacts would not deploy, or would not run on Lambda."""


def lambda_pip_args(arch: str = DEFAULT_ARCH) -> list[str]:
    """pip flags that pick wheels for the Lambda runtime rather than for this machine."""
    machine = MACHINES[arch]
    args = ["--only-binary=:all:", "--implementation", "cp", "--python-version"]
    args.append(LAMBDA_RUNTIME.removeprefix("python"))
    # pip takes --platform literally, so every glibc the runtime can load is listed
    # (manylinux2014 alone would miss the manylinux_2_28 pyvips-binary and Pillow wheels).
    minors = range(17, LAMBDA_GLIBC_MINOR + 1)
    platforms = [f"manylinux_2_{minor}_{machine}" for minor in minors]
    for platform in [*platforms, f"manylinux2014_{machine}"]:
        args += ["--platform", platform]
    return args


def pip_install_for_lambda(lock: Path, target: Path, arch: str = DEFAULT_ARCH) -> None:
    """Install a hash lock (requirements/*.lock) into `target` for the Lambda runtime.

    Every wheel is checked against the lock's hashes (--require-hashes) and taken as locked
    (--no-deps: the lock is complete, nothing is resolved here). The sdist-only pins
    (locks.SOURCE_ONLY: pyvips) are hash-checked too, built here first, then installed."""
    wheels, sources = locks.split_source_only(locks.read_lock(lock))
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        built = _build_sources(sources, work) if sources else []
        # No .pyc: they would be compiled by this interpreter, not the runtime's.
        install = [*_PIP, "install", "--quiet", "--no-compile", "--no-deps"]
        install += ["--target", str(target), *lambda_pip_args(arch)]
        wheel_lock = locks.write_requirements(wheels, work / "wheels.txt")
        subprocess.run([*install, "--require-hashes", "-r", str(wheel_lock)], check=True)
        if built:
            # Our own builds of hash-checked sdists: a pure one is py3-none-any and fits any
            # target; a compiled one does not match the target platform, so pip refuses it
            # instead of shipping the wrong binary.
            subprocess.run([*install, *map(str, built)], check=True)


def _build_sources(sources: Sequence[locks.LockEntry], work: Path) -> list[Path]:
    """Wheels of the sdist-only pins, from their hash-checked sdists. No build isolation: the
    backend and build requirements are the venv's, pinned by requirements/build.lock (an
    isolated build would fetch them unhashed)."""
    wheelhouse = work / "built"
    build = [*_PIP, "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--require-hashes"]
    build += ["--no-binary", ":all:", "--wheel-dir", str(wheelhouse)]
    requirements = locks.write_requirements(sources, work / "sources.txt")
    subprocess.run([*build, "-r", str(requirements)], check=True)
    return sorted(wheelhouse.glob("*.whl"))


def zip_tree(base: Path, archive: Path) -> Path:
    """Zip the files under `base`, paths relative to it, the same bytes for the same files."""
    archive.parent.mkdir(parents=True, exist_ok=True)
    archive.unlink(missing_ok=True)
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for path in sorted(p for p in base.rglob("*") if p.is_file()):
            # A fixed timestamp and mode: build time and umask must not change the layer.
            info = zipfile.ZipInfo(path.relative_to(base).as_posix(), date_time=_ZIP_EPOCH)
            info.external_attr = (0o755 if os.access(path, os.X_OK) else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            bundle.writestr(info, path.read_bytes())
    return archive


def build_layer(out: Path, arch: str = DEFAULT_ARCH) -> Path:
    """pyvips + libvips + Pillow under `python/` (Lambda puts /opt/python on sys.path)."""
    layer_dir = out / "layers" / "imaging"
    shutil.rmtree(layer_dir, ignore_errors=True)
    pip_install_for_lambda(locks.lock_path("imaging"), layer_dir / "python", arch)
    python = _runtime_python()
    if python:
        bytecode.compile_tree(layer_dir, python, "/opt")
    return zip_tree(layer_dir, out / LAYER_ZIP)


def _runtime_python() -> str | None:
    """The runtime's Python for bytecode; without it the artefacts ship sources only."""
    version = LAMBDA_RUNTIME.removeprefix("python")
    python = bytecode.runtime_python(version)
    if python is None:
        print(f"package: no python{version} here: shipping sources only, so each cold start "
              "compiles what it imports (about 0.3-0.5 s)", file=sys.stderr)
    return python


def stage_project(stage: Path, with_deps: bool, arch: str = DEFAULT_ARCH) -> None:
    """The copy Chalice packages: code, .chalice/*.json and dependencies vendored for Lambda."""
    shutil.rmtree(stage, ignore_errors=True)
    (stage / ".chalice").mkdir(parents=True)
    shutil.copy2(ROOT / "app.py", stage / "app.py")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "chalicelib", stage / "chalicelib", ignore=ignore)
    for source in (ROOT / ".chalice").glob("*.json"):
        shutil.copy2(source, stage / ".chalice" / source.name)
    # No requirements.txt in the stage: Chalice would resolve it for this interpreter's
    # Python; vendor/ is copied into the zip as it is.
    if with_deps:
        pip_install_for_lambda(locks.lock_path("runtime"), stage / "vendor", arch)


def _tool(name: str) -> str:
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else name


def chalice_package(stage: Path, out: Path, chalice_stage: str) -> Path:
    """Run `chalice package --merge-template template.yaml`; returns the SAM template."""
    env = {k: v for k, v in os.environ.items() if k not in _IMPORT_TIME_ENV}
    env.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    for stale in ("sam.yaml", "deployment.zip"):
        (out / stale).unlink(missing_ok=True)
    command = [_tool("chalice"), "--project-dir", str(stage), "package"]
    command += ["--stage", chalice_stage, "--template-format", "yaml"]
    command += ["--merge-template", str(ROOT / "template.yaml"), str(out)]
    subprocess.run(command, check=True, env=env)
    return out / "sam.yaml"


def lint(template: Path) -> int:
    """cfn-lint's exit code for the template (bit 2 set means errors)."""
    return subprocess.run([_tool("cfn-lint"), str(template)], check=False).returncode


def unzipped_bytes(archive: Path) -> int:
    """Size of a zip's contents once extracted."""
    with zipfile.ZipFile(archive) as bundle:
        return sum(info.file_size for info in bundle.infolist())


def check_size(out: Path) -> int:
    """Unzipped function code + imaging layer; raises when over Lambda's limit."""
    total = unzipped_bytes(out / "deployment.zip") + unzipped_bytes(out / LAYER_ZIP)
    print(f"ingest/render unzipped: {total / 2**20:.1f} MiB of {UNZIPPED_LIMIT_BYTES // 2**20}")
    if total > UNZIPPED_LIMIT_BYTES:
        raise PackagingError("function code + imaging layer exceed Lambda's unzipped limit")
    return total


def check_layer_size(archive: Path) -> int:
    """Print the layer's zipped and unzipped sizes; raises when it alone is over the limit."""
    unzipped = unzipped_bytes(archive)
    zipped = archive.stat().st_size
    print(f"imaging layer: {zipped / 2**20:.1f} MiB zipped, {unzipped / 2**20:.1f} MiB unzipped")
    if unzipped > UNZIPPED_LIMIT_BYTES:
        raise PackagingError("the imaging layer alone exceeds Lambda's unzipped limit")
    return unzipped


def newest_glibc_needed(root: Path) -> int:
    """Highest N in GLIBC_2.N that any shared object under `root` needs (0 when none)."""
    newest = 0
    for path in root.rglob("*.so*"):
        if path.is_file():
            minors = [int(m) for m in _GLIBC_VERSION.findall(path.read_bytes())]
            newest = max([newest, *minors])
    return newest


def check_glibc(*roots: Path) -> None:
    """Refuse binaries the runtime's glibc can't load (they would fail only at import)."""
    for root in roots:
        needed = newest_glibc_needed(root)
        if needed > LAMBDA_GLIBC_MINOR:
            have = f"{LAMBDA_RUNTIME} has 2.{LAMBDA_GLIBC_MINOR}"
            raise PackagingError(f"{root} needs glibc 2.{needed}; {have}")


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "build", help="output directory")
    parser.add_argument("--stage", default="dev", help="Chalice stage in .chalice/config.json")
    parser.add_argument(
        "--no-deps", action="store_true", help="skip pip (no vendored packages, no layer): tests"
    )
    parser.add_argument("--layer-only", action="store_true", help="build the imaging layer only")
    parser.add_argument(
        "--arch", choices=sorted(MACHINES), default=os.environ.get("LAMBDA_ARCH") or DEFAULT_ARCH,
        help="Lambda architecture the wheels are for (default: $LAMBDA_ARCH or arm64)",
    )
    parser.add_argument("--skip-lint", action="store_true", help="do not run cfn-lint")
    return parser.parse_args(argv)


def _build(args: argparse.Namespace) -> Path:
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    layer_site = out / "layers" / "imaging" / "python"
    if args.layer_only:
        layer = build_layer(out, args.arch)
        check_glibc(layer_site)
        check_layer_size(layer)
        return layer
    stage_project(out / "stage", with_deps=not args.no_deps, arch=args.arch)
    template = chalice_package(out / "stage", out, args.stage)
    python = None if args.no_deps else _runtime_python()
    if python:
        bytecode.compile_zip(out / "deployment.zip", python, zip_tree, "/var/task")
    if not args.no_deps:
        check_layer_size(build_layer(out, args.arch))
        check_glibc(out / "stage" / "vendor", layer_site)
        check_size(out)
    if not args.skip_lint and lint(template) & 2:
        raise PackagingError(f"cfn-lint found errors in {template}")
    return template


def main(argv: Sequence[str] | None = None) -> int:
    """Build the deployable artefacts under --out; prints the template (or layer) path."""
    try:
        artefact = _build(_arguments(argv))
    except PackagingError as error:
        print(f"package: {error}", file=sys.stderr)
        return 1
    print(artefact)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

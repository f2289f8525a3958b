#!/usr/bin/env bash
# Build the imaging layer (pyvips + its bundled libvips + Pillow) for the Lambda runtime into
# <out>/layers/imaging/python and <out>/layers/imaging.zip (default out: build/).
# Usage: layers/imaging/build.sh [out-dir]; ARCH=arm64 (default) or ARCH=x86_64.
# It installs requirements/imaging.lock (written by `make lock` from requirements.txt here)
# with pip --require-hashes: only manylinux wheels for that machine and cp312 whose sha256 is
# in the lock (no local compiles of C code), and pyvips from its hash-checked sdist, built by
# the venv's pinned build tools. The same lock gives the same layer on any build host.
# The runtime, platform tags and size check live in infra/package.py, shared with
# `make package` and `make deploy`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
python="${PYTHON:-$root/.venv/bin/python}"
cd "$root"
exec "$python" -m infra.package --layer-only --arch "${ARCH:-arm64}" --out "${1:-$root/build}"

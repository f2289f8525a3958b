#!/usr/bin/env bash
# Build the imaging layer (pyvips + its bundled libvips + Pillow) for the Lambda runtime into
# <out>/layers/imaging/python and <out>/layers/imaging.zip (default out: build/).
# The target runtime and platform live in infra/package.py, shared with `make package`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
python="${PYTHON:-$root/.venv/bin/python}"
cd "$root"
exec "$python" -m infra.package --layer-only --out "${1:-$root/build}"

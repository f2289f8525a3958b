"""sharp, run by Node.js from the bench-only npm folder bench/node (never a runtime dependency)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

NODE_DIR = Path(__file__).resolve().parent / "node"
SCRIPT = NODE_DIR / "sharp_op.js"
INSTALL_HINT = "npm install --prefix bench/node"


def unavailable() -> str | None:
    """Why sharp cannot run here, or None when it can."""
    if shutil.which("node") is None:
        return "Node.js is not installed"
    if not (NODE_DIR / "node_modules" / "sharp").is_dir():
        return f"sharp is not installed (run `{INSTALL_HINT}`)"
    return None


def install() -> str | None:
    """Install the pinned sharp into bench/node when Node.js and npm exist; the error if not."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        return "Node.js/npm is not installed"
    done = subprocess.run(["npm", "install", "--prefix", str(NODE_DIR), "--no-audit",
                           "--no-fund"], capture_output=True, text=True, timeout=600)
    return None if done.returncode == 0 else done.stderr.strip()[-500:]


def run(job: dict[str, Any]) -> dict[str, Any]:
    """Run one job of sharp_op.js (see its header) and return its JSON report."""
    done = subprocess.run(["node", str(SCRIPT), json.dumps(job)], capture_output=True,
                          text=True, timeout=600, cwd=NODE_DIR)
    if done.returncode != 0:
        raise RuntimeError(f"sharp_op.js failed: {done.stderr.strip()[-500:]}")
    report: dict[str, Any] = json.loads(done.stdout)
    report["output_data"] = [Path(p).read_bytes() for p in report.pop("outputs")]
    return report

"""What machine and software a benchmark ran on, for the results file."""

from __future__ import annotations

import json
import os
import platform
import sqlite3
import subprocess
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("pyvips", "pyvips-binary", "pillow", "tantivy", "chalice", "boto3", "moto", "pynamodb",
            "opensearch-py", "aws-lambda-powertools", "pyjwt", "wordfreq", "requests")


def describe() -> dict[str, str]:
    """CPU, cores, RAM, OS, Python, package versions, git commit and the date."""
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "cpu": _cpuinfo("model name") or platform.processor() or platform.machine(),
        "cores": str(os.cpu_count()),
        "ram": _ram(),
        "os": f"{_os_release()} (Linux {platform.release()})",
        "python": platform.python_version(),
        **{name: _version(name) for name in PACKAGES},
        "sqlite": sqlite3.sqlite_version,
        "git_commit": _git_commit(),
    }


def publish(numbers: dict[str, Any], save: Path | None) -> None:
    """Print a benchmark's numbers as JSON with the machine they were measured on, and also
    write them to `save` (the copy a model reads) when given."""
    text = json.dumps({"machine": describe(), **numbers}, indent=1, default=str)
    if save:
        save.write_text(text + "\n")
    print(text)


def _cpuinfo(key: str) -> str | None:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith(key):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def _ram() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 2**20:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _os_release() -> str:
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    return platform.system()


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _git_commit() -> str:
    """HEAD, marked `+changes` when tracked files differ from it (read-only git calls)."""
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    head = git("rev-parse", "--short=12", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--untracked-files=no")
    return f"{head}+changes" if dirty else head

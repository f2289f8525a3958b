"""Reprocess throughput on the local stack (issue 17): images per minute from `make reprocess`
to every image flipped to the new rendition profile.

    .venv/bin/python -m bench.reprocess [--rate R] [--results DIR]

Starts its own stack on free ports (data in a temporary folder), seeds the sample photos
(infra/local/samples: 7 today, so the figure is a small sample), stops it, starts it again
with a changed RENDITION_PROFILE (the thumb at quality 90), runs the `reprocess` command
(its `--rate`, 1000 by default: the pollers, not the pacing, are measured) and polls the
table until no image is on the older version or has a reprocess under way.
Writes bench/results/<UTC date>-<host>-reprocess.md with the machine and versions; numbers
are reported, never asserted."""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import machine
from bench.stack import local_stack

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
NEW_PROFILE = json.dumps([
    {"name": "thumb", "width": 200, "quality": 90}, {"name": "small", "width": 400},
    {"name": "regular", "width": 1080}, {"name": "large", "width": 2048},
])
POLL_S = 0.5
TIMEOUT_S = 1800.0
STACK_ENV = {"DUPLICATE_CHECK": "off"}


def measure(quick: bool = False, rate: float = 1000.0) -> dict[str, Any]:
    """Seed, change the profile, reprocess; the numbers (`quick` changes nothing: the sample
    set is small already)."""
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-reprocess-") as tmp:
        data = Path(tmp)
        with local_stack(data, env=STACK_ENV) as url:
            images = _seed(url, data)
        with local_stack(data, env={**STACK_ENV, "RENDITION_PROFILE": NEW_PROFILE}):
            began = time.monotonic()
            command = [sys.executable, "-m", "infra.local.reprocess", "--data-dir", str(data),
                       "--rate", str(rate)]
            sent = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
            queued_s = time.monotonic() - began
            flipped, left = _wait_for_flips(data)
            wall_s = time.monotonic() - began
    return {
        "machine": machine.describe(), "images": images, "flipped": flipped, "left": left,
        "renditions_per_image": 4, "queued_s": round(queued_s, 2), "wall_s": round(wall_s, 2),
        "images_per_min": round(flipped / wall_s * 60, 1) if wall_s else None,
        "render_messages_per_min": round(4 * flipped / wall_s * 60, 1) if wall_s else None,
        "command_output": sent.stdout.strip().splitlines()[-1:],
        "load_average_before": [round(x, 1) for x in load_before],
    }


def _seed(url: str, data: Path) -> int:
    from bench.load_seed import seed_photos
    from infra.local.settings import read_stack

    stack = read_stack(data)
    assert stack is not None
    return len(set(seed_photos(url, stack)))


def _wait_for_flips(data: Path) -> tuple[int, int]:
    """(images on the new version, images still older) once none is left or at the timeout."""
    probe = ("import json; from chalicelib import bootstrap; d = bootstrap.services().deps; "
             "v = d.profile_version; imgs = [i for i in d.repo.scan_segment(0, 1, 10000).items "
             "if i.status.value == 'ready']; "
             "print(json.dumps([sum(i.profile_version == v and i.next_profile is None "
             "for i in imgs), sum(i.profile_version != v or i.next_profile is not None "
             "for i in imgs)]))")
    from infra.local.settings import read_stack

    stack = read_stack(data)
    assert stack is not None
    env = {**os.environ, **stack["env"]}
    deadline = time.monotonic() + TIMEOUT_S
    while True:
        out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env,
                             capture_output=True, text=True, check=True).stdout
        done, left = json.loads(out)
        if left == 0 or time.monotonic() > deadline:
            return int(done), int(left)
        time.sleep(POLL_S)


def markdown(results: dict[str, Any]) -> str:
    """The results file."""
    lines = ["# Reprocess throughput (issue 17)", "",
             "One local stack (2 workers), the sample photos, the thumb's quality changed; from",
             "the `reprocess` command's start to every image flipped.", "",
             "| images | flipped | left | wall s | images/min | render messages/min |",
             "|---|---|---|---|---|---|",
             f"| {results['images']} | {results['flipped']} | {results['left']} | "
             f"{results['wall_s']} | {results['images_per_min']} | "
             f"{results['render_messages_per_min']} |", "",
             f"Load average (1, 5, 15 min) when it started: {results['load_average_before']} "
             "(other work on the machine slows every number here).", "", "## Machine", ""]
    lines += [f"- {key}: {value}" for key, value in results["machine"].items()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Measure and write the results file."""
    parser = argparse.ArgumentParser(prog="python -m bench.reprocess", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=1000.0)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    results = measure(args.quick, args.rate)
    day = datetime.now(UTC).strftime("%Y-%m-%d")
    path = args.results / f"{day}-{socket.gethostname()}-reprocess.md"
    path.write_text(markdown(results))
    print(markdown(results))
    print(f"results written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

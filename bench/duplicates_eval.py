"""Near-duplicate measurement: precision and recall of dHash and pHash at thresholds 0..20.

    .venv/bin/python -m bench.duplicates_eval [FOLDER ...] [--results DIR]

FOLDER: folders of real photos (default: the local stack's seven sample photos). The run in
docs/decisions/duplicates.md adds Debian's photographic wallpapers; how to get them is there.
Every picture goes through ingest's path (probe, make_master at the master width, the hash of
the master). Writes bench/results/<UTC date>-<host>-duplicates.md. Numbers, not assertions.
"""

from __future__ import annotations

import argparse
import socket
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import combinations
from pathlib import Path

from bench import duplicates_report as report
from bench import duplicates_set as labelled
from bench import machine
from chalicelib import config
from chalicelib.adapters.imaging import perceptual
from chalicelib.adapters.imaging.vips import VipsProcessor
from chalicelib.domain.probe import probe
from chalicelib.domain.renditions import Size, master_width

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "results"
SAMPLES = ROOT / "infra" / "local" / "samples"
BUDGET_SECONDS = 60.0


@dataclass(frozen=True)
class Hashed:
    """A variant's two hashes and how long hashing its master took."""

    photo: str
    kind: str
    hashes: perceptual.PerceptualHashes
    hash_ms: float


class Hasher:
    """Ingest's decode and the hash of its master."""

    def __init__(self) -> None:
        self._engine = VipsProcessor()
        self._profile = config.load({}).profile

    def __call__(self, variant: labelled.Variant) -> Hashed:
        header = probe(variant.data, complete=True)
        width = master_width(self._profile, Size(header.width, header.height))
        master = self._engine.make_master(variant.data, header.format, width, BUDGET_SECONDS,
                                          store=False)
        started = time.perf_counter()
        hashes = perceptual.of_master(master)
        elapsed = (time.perf_counter() - started) * 1000
        return Hashed(variant.photo, variant.kind, hashes, elapsed)


def build(folders: list[Path], hasher: Hasher) -> tuple[list[report.Pair], list[Hashed]]:
    """Hash every variant of every photo and label the pairs."""
    pairs: list[report.Pair] = []
    originals: list[Hashed] = []
    for path in labelled.photos(folders):
        image = labelled.upright(path)
        first = hasher(labelled.original(path))
        originals.append(first)
        for variant in labelled.edits(path, image):
            pairs.append(report.pair("same picture", variant.kind, first, hasher(variant)))
        pairs.append(report.pair("mirrored", "mirrored", first,
                                 hasher(labelled.mirrored(path, image))))
        crops = [hasher(v) for v in labelled.scene_crops(path, image)]
        for other in crops[1:]:
            pairs.append(report.pair("same scene", other.kind, crops[0], other))
        print(f"{path.name}: {len(pairs)} pairs so far", flush=True)
    for a, b in combinations(originals, 2):
        pairs.append(report.pair("different photos", "different photos", a, b))
    return pairs, originals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folders", nargs="*", type=Path, default=[SAMPLES])
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args()
    pairs, originals = build(args.folders, Hasher())
    run = {"folders": [str(f) for f in args.folders], "photos": len(originals)}
    text = report.markdown(machine.describe(), run, pairs, originals)
    day = datetime.now(UTC).strftime("%Y-%m-%d")
    out = args.results / f"{day}-{socket.gethostname()}-duplicates.md"
    out.write_text(text)
    print(text)
    print(f"written: {out}")


if __name__ == "__main__":
    main()

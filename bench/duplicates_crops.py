"""Crop-tolerant duplicate keys: recall per crop kind and precision, for a few schemes.

    .venv/bin/python -m bench.duplicates_crops [FOLDER ...] [--hashes FILE]

Every picture goes through ingest's path (probe, make_master at the master width); of each
master the bench keeps the pHash of the full picture and of every inner crop in CANDIDATES
(chalicelib.domain.duplicates.crop_box names). A scheme stores the full hash and the hashes of
its crops, looks up with the same set, and calls two pictures the same when the two full hashes
are within `full` bits, or a full hash and a crop hash of the other within `cross` bits.
Positives are judged both ways (the edit uploaded after the original, and the original after
the edit). Writes bench/results/<UTC date>-<host>-duplicates-crops.md. Numbers, not assertions.
"""

from __future__ import annotations

import argparse
import json
import socket
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import combinations
from pathlib import Path
from typing import Any

from bench import duplicates_set as labelled
from bench.duplicates_eval import BUDGET_SECONDS, RESULTS, SAMPLES
from chalicelib import config
from chalicelib.adapters.imaging import perceptual
from chalicelib.adapters.imaging.vips import VipsProcessor
from chalicelib.domain.duplicates import crop_box, hamming
from chalicelib.domain.probe import probe
from chalicelib.domain.renditions import Size, master_width

CANDIDATES = ("c97", "c94", "c91", "c88", "l95", "r95")


def _one_sided(image: Any, fraction: float, from_left: bool) -> Any:
    cut = round(image.width * fraction)
    return image.crop(cut if from_left else 0, 0, image.width - cut, image.height)


def _border(image: Any, fraction: float) -> Any:
    dx, dy = round(image.width * fraction), round(image.height * fraction)
    return image.crop(dx, dy, image.width - 2 * dx, image.height - 2 * dy)


def _jpeg(image: Any) -> bytes:
    return bytes(image.jpegsave_buffer(Q=labelled.JPEG_Q, keep="none"))


POSITIVES = {
    "crop 2% each border": lambda im: _jpeg(_border(im, 0.02)),
    "crop 3% each border": lambda im: _jpeg(_border(im, 0.03)),
    "crop 4% each border": lambda im: _jpeg(_border(im, 0.04)),
    "crop 5% each border": lambda im: _jpeg(_border(im, 0.05)),
    "crop 5% of width, left edge": lambda im: _jpeg(_one_sided(im, 0.05, True)),
    "crop 5% of width, right edge": lambda im: _jpeg(_one_sided(im, 0.05, False)),
    "resize 50%": labelled.EDITS["resize 50%"],
    "jpeg q50": labelled.EDITS["jpeg q50"],
    "webp q80": labelled.EDITS["webp q80"],
    "2048 px webp rendition": labelled.EDITS["2048 px webp rendition"],
}

Hashes = dict[str, int]  # variant name ("full", "c94", ...) -> pHash


class Hasher:
    """Ingest's master of the bytes, then the full and inner-crop pHashes of it."""

    def __init__(self) -> None:
        self._engine = VipsProcessor()
        self._profile = config.load({}).profile

    def __call__(self, data: bytes) -> Hashes:
        header = probe(data, complete=True)
        width = master_width(self._profile, Size(header.width, header.height))
        master = self._engine.make_master(data, header.format, width, BUDGET_SECONDS,
                                          store=False)
        full = perceptual.duplicate_hash(master)
        crops = perceptual.crop_phashes(master, [crop_box(name) for name in CANDIDATES])
        return {"full": full, **dict(zip(CANDIDATES, crops, strict=True))}


def collect(folders: list[Path]) -> dict[str, Any]:
    """Every picture's hashes: originals, positives, mirrors, scene crops, per photo."""
    hasher = Hasher()
    found: dict[str, Any] = {}
    for path in labelled.photos(folders):
        image = labelled.upright(path)
        entry: dict[str, Any] = {"original": hasher(path.read_bytes())}
        entry["positives"] = {kind: hasher(edit(image)) for kind, edit in POSITIVES.items()}
        entry["mirrored"] = hasher(labelled.mirrored(path, image).data)
        entry["scene"] = [hasher(v.data) for v in labelled.scene_crops(path, image)]
        found[path.name] = entry
        print(f"{path.name} hashed", flush=True)
    return found


@dataclass(frozen=True)
class Scheme:
    """Which crops are stored and looked up, and the two distances."""

    crops: tuple[str, ...]
    full: int
    cross: int
    lookup_crops: bool = True  # False: look up with the upload's full hash only (68 keys)

    @property
    def name(self) -> str:
        looked = "" if self.lookup_crops or not self.crops else ", lookup full only"
        return (f"{'+'.join(self.crops) or 'full only'}; full {self.full}, "
                f"cross {self.cross}{looked}")

    @property
    def keys(self) -> int:
        return 68 * (1 + len(self.crops) if self.lookup_crops else 1)

    @property
    def items(self) -> int:
        """Band items per image, plus one item per crop listing it (to unindex it)."""
        return 4 * (1 + len(self.crops)) + len(self.crops)

    def distance(self, upload: Hashes, stored: Hashes) -> bool:
        """Whether a lookup with `upload`'s keys matches `stored` (the bench checks the exact
        distances: the band index finds every pair within its reach)."""
        if hamming(upload["full"], stored["full"]) <= self.full:
            return True
        return any(hamming(upload["full"], stored[c]) <= self.cross
                   or (self.lookup_crops and hamming(upload[c], stored["full"]) <= self.cross)
                   for c in self.crops)


def evaluate(data: dict[str, Any], scheme: Scheme) -> dict[str, Any]:
    """Recall per positive kind (both directions) and false matches per negative kind."""
    hits: dict[str, int] = defaultdict(int)
    totals: dict[str, int] = defaultdict(int)
    for entry in data.values():
        first = entry["original"]
        for kind, edit in entry["positives"].items():
            totals[kind] += 2
            forward, reverse = scheme.distance(edit, first), scheme.distance(first, edit)
            hits[kind] += forward + reverse
            hits["forward"] += forward
            totals["forward"] += 1
    false: dict[str, int] = defaultdict(int)
    negatives: dict[str, int] = defaultdict(int)
    for (_, a), (_, b) in combinations(data.items(), 2):
        negatives["different photos"] += 2
        false["different photos"] += (scheme.distance(a["original"], b["original"])
                                      + scheme.distance(b["original"], a["original"]))
    for entry in data.values():
        negatives["mirrored"] += 1
        false["mirrored"] += scheme.distance(entry["mirrored"], entry["original"])
        scene = entry["scene"]
        for other in scene[1:]:
            negatives["same scene"] += 2
            false["same scene"] += (scheme.distance(other, scene[0])
                                    + scheme.distance(scene[0], other))
    return {"hits": dict(hits), "totals": dict(totals), "false": dict(false),
            "negatives": dict(negatives)}


def nearest_negative(data: dict[str, Any], crops: tuple[str, ...]) -> int:
    """The smallest full-to-crop distance between different photos or scene crops."""
    pairs = [(a["original"], b["original"]) for (_, a), (_, b) in combinations(data.items(), 2)]
    pairs += [(e["scene"][0], o) for e in data.values() for o in e["scene"][1:]]
    pairs += [(e["mirrored"], e["original"]) for e in data.values()]
    return min(min(hamming(x["full"], y[c]), hamming(y["full"], x[c]))
               for x, y in pairs for c in crops)


SCHEMES = [
    Scheme(("c94", "l95", "r95"), 7, 7, lookup_crops=False),
    Scheme(("c94", "c88", "l95", "r95"), 7, 7, lookup_crops=False),
    Scheme(("c94", "c91", "l95", "r95"), 7, 7, lookup_crops=False),
    Scheme((), 7, 7),
    Scheme(("c94",), 7, 7),
    Scheme(("c94",), 7, 5),
    Scheme(("c94", "c88"), 7, 7),
    Scheme(("c94", "c88"), 7, 5),
    Scheme(("c97", "c94", "c91"), 7, 7),
    Scheme(("c94", "c91"), 7, 7),
    Scheme(("c94", "l95", "r95"), 7, 7),
    Scheme(("c94", "c88", "l95", "r95"), 7, 7),
    Scheme(("c94", "c88", "l95", "r95"), 7, 5),
    Scheme(("c97", "c94", "c91", "l95", "r95"), 7, 7),
]


def markdown(data: dict[str, Any]) -> str:
    kinds = list(POSITIVES)
    head = ["scheme", "items/image", "keys/lookup", *kinds, "recall",
            "recall, crop uploaded after", "false matches"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for scheme in SCHEMES:
        r = evaluate(data, scheme)
        recall = sum(r["hits"][k] for k in kinds) / sum(r["totals"][k] for k in kinds)
        crops = [k for k in kinds if "crop" in k]
        forward = r["hits"]["forward"] / r["totals"]["forward"]
        falses = sum(r["false"].values())
        per = [f"{r['hits'][k]}/{r['totals'][k]}" for k in kinds]
        lines.append(f"| {scheme.name} | {scheme.items} | {scheme.keys} | " + " | ".join(per)
                     + f" | {recall:.3f} | {forward:.3f} | "
                     f"{falses} of {sum(r['negatives'].values())} |")
    lines.append("")
    for crops in (("c94",), ("c88",), ("c91",), ("l95", "r95")):
        lines.append(f"nearest negative, full to {'/'.join(crops)}: "
                     f"{nearest_negative(data, crops)} bits")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folders", nargs="*", type=Path, default=[SAMPLES])
    parser.add_argument("--hashes", type=Path, help="cache of the hashes (JSON)")
    args = parser.parse_args()
    if args.hashes and args.hashes.exists():
        data = json.loads(args.hashes.read_text())
    else:
        data = collect(args.folders)
        if args.hashes:
            args.hashes.write_text(json.dumps(data))
    text = markdown(data)
    day = datetime.now(UTC).strftime("%Y-%m-%d")
    out = RESULTS / f"{day}-{socket.gethostname()}-duplicates-crops.md"
    out.write_text(f"# Crop-tolerant duplicate keys ({len(data)} photos)\n\n{text}")
    print(text)
    print(f"written: {out}")


if __name__ == "__main__":
    main()

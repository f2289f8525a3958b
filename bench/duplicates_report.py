"""The near-duplicate measurement's numbers: distances per pair, precision/recall per threshold."""

from __future__ import annotations

import json
import statistics
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Protocol

from chalicelib.adapters.imaging.perceptual import PerceptualHashes
from chalicelib.domain.duplicates import (
    BAND_COUNTS,
    PROBE_RADII,
    DuplicatePolicy,
    hamming,
    reach,
    shares_band,
)

HASHES = ("dhash", "phash")
THRESHOLDS = range(21)
POSITIVE = "same picture"


class HashedLike(Protocol):
    photo: str
    kind: str
    hashes: PerceptualHashes
    hash_ms: float


@dataclass(frozen=True)
class Pair:
    """Two pictures, their label, and their distance under each hash."""

    group: str  # "same picture" (a positive) or one of the negative groups
    kind: str
    photo: str
    distance: dict[str, int]

    @property
    def positive(self) -> bool:
        return self.group == POSITIVE


def pair(group: str, kind: str, a: HashedLike, b: HashedLike) -> Pair:
    """Label two hashed pictures and measure them under both hashes."""
    distance = {name: hamming(getattr(a.hashes, name), getattr(b.hashes, name))
                for name in HASHES}
    return Pair(group, kind, f"{a.photo} / {b.photo}", distance)


def scores(pairs: list[Pair], name: str, threshold: int) -> dict[str, float]:
    """Precision, recall, false-positive rate and counts at `threshold` under hash `name`."""
    tp = sum(p.positive and p.distance[name] <= threshold for p in pairs)
    fp = sum(not p.positive and p.distance[name] <= threshold for p in pairs)
    positives = sum(p.positive for p in pairs)
    negatives = len(pairs) - positives
    return {"tp": tp, "fp": fp, "precision": tp / (tp + fp) if tp + fp else 1.0,
            "recall": tp / positives if positives else 0.0,
            "fpr": fp / negatives if negatives else 0.0}


def _threshold_table(pairs: list[Pair]) -> list[str]:
    head = "| threshold | " + " | ".join(
        f"{n} precision | {n} recall | {n} false matches" for n in HASHES) + " |"
    lines = [head, "|---" * (1 + 3 * len(HASHES)) + "|"]
    for t in THRESHOLDS:
        cells = []
        for name in HASHES:
            s = scores(pairs, name, t)
            cells += [f"{s['precision']:.4f}", f"{s['recall']:.4f}", f"{s['fp']}"]
        lines.append(f"| {t} | " + " | ".join(cells) + " |")
    return lines


def _kind_table(pairs: list[Pair]) -> list[str]:
    """Per edit or negative kind: count, then median / max (positives) or min (negatives)."""
    kinds: dict[tuple[str, str], list[Pair]] = defaultdict(list)
    for p in pairs:
        kinds[(p.group, p.kind)].append(p)
    limit = DuplicatePolicy().max_distance
    lines = ["| group | kind | pairs | " + " | ".join(
        f"{n} median | {n} max | {n} min | {n} <= {limit}" for n in HASHES) + " |",
        "|---" * (3 + 4 * len(HASHES)) + "|"]
    for (group, kind), members in kinds.items():
        cells = []
        for name in HASHES:
            values = [p.distance[name] for p in members]
            matched = sum(v <= limit for v in values)
            cells += [f"{statistics.median(values):g}", str(max(values)), str(min(values)),
                      str(matched)]
        lines.append(f"| {group} | {kind} | {len(members)} | " + " | ".join(cells) + " |")
    return lines


def _band_table(originals: list[HashedLike]) -> list[str]:
    """How often two different photos meet in the band index, per band count and probe radius:
    the share of the catalogue a lookup reads as candidates, before the exact distance."""
    pairs = [(a, b) for i, a in enumerate(originals) for b in originals[i + 1:]]
    lines = ["| bands | bits per band | probe radius | keys per lookup | reach (bits) "
             "| uniform random hashes | " + " | ".join(HASHES) + " |",
             "|---" * (6 + len(HASHES)) + "|"]
    for count in BAND_COUNTS:
        width = 64 // count
        for radius in PROBE_RADII:
            keys = count * (1 + width * radius)
            uniform = 1 - (1 - (1 + width * radius) * 2 ** -width) ** count
            cells = [f"{_meeting(pairs, n, count, radius):.2%}" for n in HASHES]
            lines.append(f"| {count} | {width} | {radius} | {keys} | {reach(count, radius)} "
                         f"| {uniform:.3%} | " + " | ".join(cells) + " |")
    return lines


def _meeting(pairs: list[tuple[HashedLike, HashedLike]], name: str, count: int,
             radius: int) -> float:
    met = sum(shares_band(getattr(a.hashes, name), getattr(b.hashes, name), count, radius)
              for a, b in pairs)
    return met / max(1, len(pairs))


def _worst(pairs: list[Pair], name: str, count: int = 8) -> list[str]:
    """The farthest positives and the nearest negatives under `name`."""
    positives = sorted((p for p in pairs if p.positive), key=lambda p: -p.distance[name])
    negatives = sorted((p for p in pairs if not p.positive), key=lambda p: p.distance[name])
    lines = [f"- {name}, farthest same-picture pairs:"]
    lines += [f"  - {p.distance[name]}: {p.photo} ({p.kind})" for p in positives[:count]]
    lines.append(f"- {name}, nearest negative pairs:")
    lines += [f"  - {p.distance[name]}: {p.photo} ({p.group}: {p.kind})"
              for p in negatives[:count]]
    return lines


def markdown(machine: dict[str, str], run: dict[str, Any], pairs: list[Pair],
             originals: list[HashedLike]) -> str:
    """The results file: machine, set size, per-threshold table, per-kind distances, raw JSON."""
    positives = sum(p.positive for p in pairs)
    hash_ms = statistics.median(h.hash_ms for h in originals) if originals else 0.0
    lines = ["# Near-duplicate hashes (issue 16 item 1)", ""]
    lines += [f"- {k}: {v}" for k, v in machine.items()]
    lines += [f"- run: {json.dumps(run)}",
              f"- pairs: {len(pairs)} ({positives} same picture, {len(pairs) - positives} not)",
              f"- hashing a master (both hashes, median): {hash_ms:.1f} ms", "",
              "## Precision and recall by threshold (a pair matches when distance <= threshold)",
              ""]
    lines += _threshold_table(pairs)
    lines += ["", "## Distances by kind", "", *_kind_table(pairs)]
    lines += ["", "## Different photos meeting in the band index", "", *_band_table(originals)]
    lines += ["", "## Extremes", "", *_worst(pairs, "dhash"), *_worst(pairs, "phash")]
    raw = [{"group": p.group, "kind": p.kind, "photo": p.photo, **p.distance} for p in pairs]
    lines += ["", "## Raw distances", "", "```json", json.dumps(raw, indent=None), "```", ""]
    return "\n".join(lines)

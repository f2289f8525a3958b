"""Pure helpers of the cold-start benchmark: which modules are whose, the two import lists,
`-X importtime` parsing, ratios and the target's verdicts."""

from __future__ import annotations

import re
import statistics
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

OWN_PACKAGES = frozenset({"app", "chalicelib"})
# Issue 6, target 5: a Lambda's own code adds at most this share to its dependencies' time.
MAX_OWN_SHARE = 0.25
_IMPORTTIME = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def kind(module: str) -> str:
    """"own" (app, chalicelib), "stdlib", or "third-party"."""
    top = module.split(".")[0]
    if top in OWN_PACKAGES:
        return "own"
    return "stdlib" if top in sys.stdlib_module_names else "third-party"


@dataclass(frozen=True)
class ImportLists:
    """What the two timed interpreters import, in the order the cold path finished loading
    them (sys.modules moves a module to its end once loaded): a valid import order."""

    dependencies: list[str]  # (a): every third-party module the cold path loaded
    entry: list[str]  # (b): `app`, then every own and third-party module the path loaded


def import_lists(found: dict[str, Any]) -> ImportLists:
    """Both lists from a discovery run: modules loaded after startup that can be imported by
    name (aliases such as requests.packages.urllib3 come with their real module)."""
    startup, importable = set(found["startup"]), set(found["importable"])
    loaded = [n for n in found["after_path"] if n not in startup and n in importable]
    dependencies = [n for n in loaded if kind(n) == "third-party"]
    if "app" not in loaded:
        raise ValueError("the cold path must import app")
    # `app` first, as the runtime does; its own imports then come in already loaded.
    entry = ["app", *(n for n in loaded if kind(n) != "stdlib" and n != "app")]
    return ImportLists(dependencies, entry)


def heavy_loaded(modules: Iterable[str], heavy: Sequence[str]) -> list[str]:
    """The heavy top-level packages present among `modules`."""
    tops = {m.split(".")[0] for m in modules}
    return sorted(set(heavy) & tops)


def packages(modules: Iterable[str]) -> list[str]:
    """Top-level package names, sorted, once each."""
    return sorted({m.split(".")[0] for m in modules})


@dataclass(frozen=True)
class ModuleTime:
    """One module's line of `-X importtime`, in microseconds, and its own-code share."""

    name: str
    self_us: int
    cumulative_us: int
    own_us: int  # self time plus that of our own modules below it (none of theirs)


def parse_importtime(stderr: str) -> list[ModuleTime]:
    """Every module of a `-X importtime` report, with the time spent in our code alone.

    The report lists a module after the modules it imported, indented one level deeper.
    """
    below: dict[int, list[ModuleTime]] = {}
    rows = []
    for line in stderr.splitlines():
        match = _IMPORTTIME.match(line)
        if not match:
            continue
        depth, name = len(match[3]) // 2, match[4]
        children = below.pop(depth + 1, [])
        own_below = sum(c.own_us for c in children if kind(c.name) == "own")
        row = ModuleTime(name, int(match[1]), int(match[2]), int(match[1]) + own_below)
        below.setdefault(depth, []).append(row)
        rows.append(row)
    return rows


def top_own(runs: Sequence[Sequence[ModuleTime]], count: int = 10) -> list[dict[str, Any]]:
    """Our modules with the largest median cumulative import time over several reports."""
    per_module: dict[str, list[ModuleTime]] = {}
    for run in runs:
        for row in run:
            if kind(row.name) == "own":
                per_module.setdefault(row.name, []).append(row)
    table: list[dict[str, Any]] = [{"module": name,
              "cumulative_ms": _median_ms([r.cumulative_us for r in rows]),
              "own_code_ms": _median_ms([r.own_us for r in rows])}
             for name, rows in per_module.items()]
    table.sort(key=lambda row: row["cumulative_ms"], reverse=True)
    return table[:count]


def own_self_ms(runs: Sequence[Sequence[ModuleTime]]) -> float:
    """Median over reports of the self time of all our modules together."""
    return _median_ms([sum(r.self_us for r in run if kind(r.name) == "own") for run in runs])


def _median_ms(values_us: Sequence[int]) -> float:
    return round(statistics.median(values_us) / 1000, 2)


def own_share(entry_ms: float, dependencies_ms: float) -> float:
    """(b - a) / a: what our code adds, as a share of the dependencies' import time."""
    return round((entry_ms - dependencies_ms) / dependencies_ms, 4)


def paired_shares(entry_ms: Sequence[float], dependencies_ms: Sequence[float]) -> list[float]:
    """The share round by round (runs of one round ran back to back)."""
    return [own_share(b, a) for b, a in zip(entry_ms, dependencies_ms, strict=True)]


def share_verdict(shares: dict[str, float]) -> tuple[str, bool]:
    """The Lambda with the largest share, and whether every share is within the target."""
    worst = max(shares, key=lambda name: shares[name])
    return worst, all(share <= MAX_OWN_SHARE for share in shares.values())

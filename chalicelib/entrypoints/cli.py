"""Operator commands: `python -m chalicelib.entrypoints.cli reindex | sweep [--full] [--json] |
duplicates [--json]`."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from typing import TextIO

from chalicelib import bootstrap
from chalicelib.services import indexing


def progress_bar(stream: TextIO = sys.stderr, every: int = 500) -> Callable[[int], None]:
    """A one-line counter with a rate, redrawn every `every` images."""
    started = time.monotonic()

    def show(count: int) -> None:
        if count % every == 0:
            rate = count / max(time.monotonic() - started, 1e-6)
            print(f"\rreindex: {count:>9,} images read  {rate:>8,.0f}/s", end="", file=stream)

    return show


def reindex(quiet: bool = False) -> int:
    """Rebuild the search index from the images table; returns documents indexed."""
    deps = bootstrap.services().deps
    shown = None if quiet else progress_bar()
    count = indexing.reindex(deps.search_index(), deps.repo.all_ready(), shown)
    if not quiet:
        print(f"\rreindex: done, {count:,} ready images indexed{' ' * 20}", file=sys.stderr)
    return count


def sweep(full: bool = False, as_json: bool = False, stream: TextIO = sys.stdout) -> int:
    """One sweep (every slice and segment when `full`), its report printed; returns the
    number of repairs it made."""
    from chalicelib.entrypoints.events import sweeper

    report = sweeper.run(bootstrap.services(), full)
    if as_json:
        print(json.dumps(report.as_json()), file=stream)
    else:
        scope = "full pass" if report.full else f"slice {report.segment}"
        late = " (stopped: out of time)" if report.out_of_time else ""
        print(f"sweep ({scope}): {report.repairs} repairs{late}", file=stream)
        for action, count in sorted(report.counts.items()):
            print(f"  {action:<28} {count:>8,}", file=stream)
    return report.repairs


def duplicates(as_json: bool = False, stream: TextIO = sys.stdout) -> int:
    """Print the duplicate groups already in the catalogue (changes nothing); returns how
    many groups there are."""
    from chalicelib.services.duplicate_report import duplicate_groups

    found = duplicate_groups(bootstrap.services().deps)
    for group in found:
        kind = "exact" if group.exact else "near"
        who = "same contributor" if len(group.owners) == 1 else "different contributors"
        members = [{"id": m.image_id, "owner": m.owner} for m in group.members]
        if as_json:
            print(json.dumps({"kind": kind, "same_owner": len(group.owners) == 1,
                              "images": members}), file=stream)
            continue
        print(f"{kind} group of {len(members)} ({who}):", file=stream)
        for member in members:
            print(f"  {member['id']}  owner {member['owner']}", file=stream)
    if not as_json:
        print(f"duplicates: {len(found)} groups (dry run: nothing changed)", file=stream)
    return len(found)


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(prog="python -m chalicelib.entrypoints.cli")
    commands = parser.add_subparsers(dest="command", required=True)
    rebuild = commands.add_parser("reindex", help="rebuild the search index from the table")
    rebuild.add_argument("--quiet", action="store_true")
    repair = commands.add_parser("sweep", help="repair stuck images, orphans and index drift")
    repair.add_argument("--full", action="store_true", help="every slice and segment")
    repair.add_argument("--json", action="store_true", help="the report as one JSON line")
    report = commands.add_parser("duplicates", help="report duplicate groups (dry run)")
    report.add_argument("--json", action="store_true", help="one JSON line per group")
    args = parser.parse_args(argv)
    if args.command == "reindex":
        reindex(args.quiet)
    elif args.command == "sweep":
        sweep(args.full, args.json)
    elif args.command == "duplicates":
        duplicates(args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())

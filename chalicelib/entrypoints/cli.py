"""Operator commands: `python -m chalicelib.entrypoints.cli reindex | sweep [--full] [--json] |
duplicates [--json] [--hold] | reprocess [--dry-run] [--limit N] [--rate R] [--checkpoint F]`."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from chalicelib import bootstrap
from chalicelib.services import indexing

if TYPE_CHECKING:
    from chalicelib.services.duplicate_report import HoldReport


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


def duplicates(as_json: bool = False, hold: bool = False, stream: TextIO | None = None) -> int:
    """Print the duplicate groups already in the catalogue and what `--hold` does (or, with
    `hold`, did) to each member (to stdout unless `stream`); returns how many groups."""
    from chalicelib.services.duplicate_report import run

    stream = stream or sys.stdout

    report = run(bootstrap.services().deps, hold)
    for group in report.groups:
        if as_json:
            print(json.dumps(group.as_json()), file=stream)
            continue
        kind = "exact" if group.group.exact else "near"
        who = "same contributor" if len(group.group.owners) == 1 else "different contributors"
        print(f"{kind} group of {len(group.members)} ({who}):", file=stream)
        for member in group.members:
            print(f"  {member.image_id}  owner {member.owner:<24} {member.status:<10} "
                  f"{member.outcome}", file=stream)
    print(duplicates_summary(report), file=sys.stderr if as_json else stream)  # stdout: JSON only
    return len(report.groups)


def duplicates_summary(report: HoldReport) -> str:
    """The closing line of `duplicates`: what was (or would be) done, and what was left."""
    counts = report.counts
    left = (f"{counts['already_held']} already held, {counts['approved']} approved before, "
            f"{counts['processing']} still processing")
    head = f"duplicates: {len(report.groups)} groups"
    if not report.hold:
        return (f"{head}; --hold would send {counts['would_hold']} to review and name the "
                f"original on {counts['would_mark']} in review; {left} (dry run: nothing changed)")
    if not report.changed:
        return f"{head}; nothing to change ({left}, {counts['skipped']} changed meanwhile)"
    return (f"{head}; held {counts['held']} for review, named the original on "
            f"{counts['marked']} in review, {counts['skipped']} skipped (changed meanwhile); "
            f"{left}")


def _reprocess(args: argparse.Namespace) -> int:
    from chalicelib.entrypoints.reprocess_cli import DEFAULT_CHECKPOINT, reprocess

    services = bootstrap.services()
    rate = args.rate if args.rate is not None else services.settings.reprocess_rate
    reprocess(services.deps, args.checkpoint or DEFAULT_CHECKPOINT, args.dry_run, args.limit,
              rate, sys.stdout)
    return 0


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
    report.add_argument("--hold", action="store_true",
                        help="send every copy but the oldest to review (else a dry run)")
    again = commands.add_parser("reprocess", help="re-cut older images for the current profile")
    again.add_argument("--dry-run", action="store_true", help="count and estimate the cost")
    again.add_argument("--limit", type=int, default=None, help="at most this many images")
    again.add_argument("--rate", type=float, default=None,
                       help="images a second (default REPROCESS_RATE, 5)")
    again.add_argument("--checkpoint", type=Path, default=None,
                       help="where a run keeps its place (default .reprocess-checkpoint.json)")
    args = parser.parse_args(argv)
    if args.command == "reprocess":
        return _reprocess(args)
    if args.command == "reindex":
        reindex(args.quiet)
    elif args.command == "sweep":
        sweep(args.full, args.json)
    elif args.command == "duplicates":
        duplicates(args.json, args.hold)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Operator commands: `python -m chalicelib.entrypoints.cli reindex`."""

from __future__ import annotations

import argparse
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


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(prog="python -m chalicelib.entrypoints.cli")
    commands = parser.add_subparsers(dest="command", required=True)
    rebuild = commands.add_parser("reindex", help="rebuild the search index from the table")
    rebuild.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    if args.command == "reindex":
        reindex(args.quiet)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`make reprocess [DRY_RUN=1] [LIMIT=n] [RATE=r]`: re-cut the running local stack's older
images for the current rendition profile (its checkpoint kept in the data dir)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from infra.local.settings import adopt_stack_env


def main(argv: list[str] | None = None) -> int:
    """Point chalicelib at the running stack (stack.json), then run its reprocess command."""
    parser = argparse.ArgumentParser(prog="python -m infra.local.reprocess", description=__doc__)
    parser.add_argument("--data-dir", type=Path, default=Path(".data"))
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--rate", type=float, default=None)
    args = parser.parse_args(argv)
    if not adopt_stack_env(args.data_dir):
        return 2
    from chalicelib.entrypoints import cli

    flags = ["--checkpoint", str(args.data_dir / "reprocess-checkpoint.json")]
    flags += ["--dry-run"] if args.dry_run else []
    flags += ["--limit", str(args.limit)] if args.limit is not None else []
    flags += ["--rate", str(args.rate)] if args.rate is not None else []
    return cli.main(["reprocess", *flags])


if __name__ == "__main__":
    sys.exit(main())

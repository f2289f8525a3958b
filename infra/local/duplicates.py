"""`make duplicates [HOLD=1] [JSON=1]`: the duplicate groups in the running local stack's catalogue
(a dry run; with HOLD=1 every copy but each group's oldest goes to the review queue)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from infra.local.settings import adopt_stack_env


def main(argv: list[str] | None = None) -> int:
    """Point chalicelib at the running stack (stack.json), then run its duplicates report."""
    parser = argparse.ArgumentParser(prog="python -m infra.local.duplicates", description=__doc__)
    parser.add_argument("--data-dir", type=Path, default=Path(".data"))
    parser.add_argument("--json", action="store_true", help="one JSON line per group")
    parser.add_argument("--hold", action="store_true",
                        help="send every copy but the oldest to review (else a dry run)")
    args = parser.parse_args(argv)
    if not adopt_stack_env(args.data_dir):
        return 2
    from chalicelib.entrypoints import cli

    flags = [flag for flag, on in (("--json", args.json), ("--hold", args.hold)) if on]
    return cli.main(["duplicates", *flags])


if __name__ == "__main__":
    sys.exit(main())

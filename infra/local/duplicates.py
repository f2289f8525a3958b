"""`make duplicates`: the duplicate groups in the running local stack's catalogue (a dry run)."""

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
    args = parser.parse_args(argv)
    if not adopt_stack_env(args.data_dir):
        return 2
    from chalicelib.entrypoints import cli

    return cli.main(["duplicates", *(["--json"] if args.json else [])])


if __name__ == "__main__":
    sys.exit(main())

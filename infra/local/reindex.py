"""`make reindex`: rebuild the running local stack's search index from its table."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from infra.local.settings import adopt_stack_env


def main(argv: list[str] | None = None) -> int:
    """Point chalicelib at the running stack (stack.json), then run its reindex command."""
    parser = argparse.ArgumentParser(prog="python -m infra.local.reindex", description=__doc__)
    parser.add_argument("--data-dir", type=Path, default=Path(".data"))
    args = parser.parse_args(argv)
    if not adopt_stack_env(args.data_dir):
        return 2
    from chalicelib.entrypoints import cli

    return cli.main(["reindex"])


if __name__ == "__main__":
    sys.exit(main())

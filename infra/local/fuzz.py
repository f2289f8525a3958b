"""`make fuzz [SECONDS=60] [PORT=8000]`: the fuzz suite's strategies over HTTP against the
running local stack for SECONDS; writes every request and every failure (with a curl and a
Python reproducer) under artifacts/fuzz/<UTC time>/; exit status 1 on any failure."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from infra.fuzz import runner, setup
from infra.local.settings import read_stack
from infra.local.token import StackNotRunning, _locate

ROOT = Path(__file__).resolve().parents[2]


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m infra.local.fuzz", description=__doc__)
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to fuzz (60)")
    parser.add_argument("--data-dir", type=Path, default=Path(".data"))
    parser.add_argument("--port", type=int, help="the stack's HTTP port, if not in stack.json")
    parser.add_argument("--moto-port", type=int, help="moto's port (default: port + 1)")
    parser.add_argument("--own-images-only", action="store_true",
                        help="fuzz only the images the run makes (a stack shared with tests)")
    parser.add_argument("--out", type=Path, default=ROOT / "artifacts" / "fuzz",
                        help="where each run's directory goes (artifacts/fuzz, not committed)")
    return parser.parse_args(argv)


def _port(args: argparse.Namespace) -> int:
    stack = read_stack(args.data_dir)
    if args.port is not None:
        return int(args.port)
    if stack is None:
        raise StackNotRunning(f"no {args.data_dir}/stack.json: start the stack with `make run`")
    return int(stack["port"])


def main(argv: list[str] | None = None) -> int:
    """Fuzz, print the summary, write the files; 0 only when nothing failed."""
    args = _arguments(argv)
    try:
        port = _port(args)
        endpoint, pool_id, client_id = _locate(args.data_dir, port, args.moto_port)
        base_url = f"http://127.0.0.1:{port}"
        forged = setup.forge(endpoint, pool_id, client_id)
        ctx = setup.context(base_url, forged, others=not args.own_images_only)
    except StackNotRunning as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    run_dir = args.out / time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    run_dir.mkdir(parents=True, exist_ok=True)
    with (run_dir / "requests.jsonl").open("w", encoding="utf-8") as log:
        tally = runner.Runner(base_url, ctx, log).run(args.seconds)
    runner.write_failures(run_dir / "failures.jsonl", tally.failures)
    print(runner.summary(tally))
    print(f"requests: {run_dir / 'requests.jsonl'}; failures: {run_dir / 'failures.jsonl'}")
    return 1 if tally.failures else 0


if __name__ == "__main__":
    sys.exit(main())

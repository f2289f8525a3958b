"""`python -m infra.local`: run the whole service locally until Ctrl-C or SIGTERM.

Environment: LOCAL_VISIBILITY_TIMEOUT=<seconds> overrides every queue's visibility timeout
(template.yaml says 720 s); tests shrink it so retries and the dead-letter queue take seconds.
LOCAL_SNAPSHOT_INTERVAL=<seconds> (0.5) is how often changed state is saved to the data dir.
LOCAL_STREAM_RETENTION=<seconds> (60) is how long a stream record the pollers have handled
stays in moto (DynamoDB Streams keeps 24 hours; moto would keep every one for ever).
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from infra.local.stack import StackOptions

PROJECT_ROOT = Path(__file__).resolve().parents[2]
log = logging.getLogger("infra.local")


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m infra.local", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8000, help="HTTP origin port (8000)")
    parser.add_argument("--moto-port", type=int, help="moto server port (port + 1)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address both servers listen on (127.0.0.1); anything else lets"
                             " other machines in: see the warning it prints")
    parser.add_argument("--data-dir", type=Path, default=PROJECT_ROOT / ".data",
                        help="where state survives restarts (.data)")
    parser.add_argument("--app", default="app:app", help="the Chalice app, module:attribute")
    parser.add_argument("--workers", type=int, default=3, help="handler processes (3)")
    parser.add_argument("--template", type=Path, default=PROJECT_ROOT / "template.yaml")
    parser.add_argument("--web-root", type=Path, default=PROJECT_ROOT / "web")
    parser.add_argument("--snapshot-interval", type=float,
                        help="seconds between snapshots of changed state"
                             " (LOCAL_SNAPSHOT_INTERVAL, else 0.5)")
    parser.add_argument("--no-seed", dest="seed", action="store_false",
                        help="do not upload the sample photos into an empty stack")
    parser.add_argument("--verbose", action="store_true", help="debug logging")
    return parser.parse_args(argv)


class _Signals:
    """SIGINT/SIGTERM: abandon a start in progress, or ask the running stack to stop."""

    def __init__(self) -> None:
        self.stop = threading.Event()
        self.starting = True
        signal.signal(signal.SIGINT, self._received)
        signal.signal(signal.SIGTERM, self._received)

    def _received(self, signum: int, frame: FrameType | None) -> None:
        self.stop.set()
        if self.starting:
            self.starting = False
            raise KeyboardInterrupt  # unwinds Stack.start, which cleans up


def _configure_logging(verbose: bool) -> None:
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("botocore", "boto3", "urllib3", "werkzeug", "pynamodb", "pyvips"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _options(args: argparse.Namespace) -> StackOptions:
    from infra.local.settings import snapshot_interval, visibility_override
    from infra.local.stack import StackOptions

    return StackOptions(
        port=args.port, moto_port=args.moto_port or args.port + 1, data_dir=args.data_dir,
        app_spec=args.app, workers=args.workers, template_path=args.template,
        web_root=args.web_root, snapshot_interval=args.snapshot_interval or snapshot_interval(),
        visibility_timeout=visibility_override(), seed=args.seed, host=args.host,
    )


def main(argv: list[str] | None = None) -> int:
    """Start (and seed) the stack, print the ready line, wait for a signal, stop cleanly."""
    args = _arguments(argv)
    _configure_logging(args.verbose)
    from infra.local.origins import exposure_warning

    warning = exposure_warning(args.host, args.port, args.moto_port or args.port + 1)
    if warning:
        print(warning, file=sys.stderr, flush=True)
    signals = _Signals()
    from infra.local.settings import MOTO_ENV

    os.environ.update(MOTO_ENV)  # moto reads these when it makes pools; set before importing it
    from infra.local.snapshot import SnapshotMismatch
    from infra.local.stack import Stack

    stack = Stack(_options(args))
    try:
        stack.start()
    except KeyboardInterrupt:
        return 0
    except (SnapshotMismatch, OSError, RuntimeError, ImportError) as exc:
        print(f"error: the local stack could not start: {exc}", file=sys.stderr)
        return 1
    signals.starting = False
    host = stack.options.public_host
    print(f"Stock images running at http://{host}:{args.port}/"
          f" (AWS services on moto at http://{host}:{stack.options.moto_port})", flush=True)
    # A timed wait: the main thread then runs Python's signal handlers within a second even
    # when the signal woke another thread (an untimed wait once missed a Ctrl-C for a minute).
    while not signals.stop.wait(1.0):
        pass
    log.info("stopping")
    stack.stop()
    log.info("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())

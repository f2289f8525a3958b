"""The `reprocess` operator command's output: a progress bar with an ETA on a terminal (plain
lines otherwise), the dry run's estimate, the closing line."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from chalicelib.domain.costs import Estimate, ReprocessAssumptions, reprocess_estimate
from chalicelib.services.deps import Deps
from chalicelib.services.reprocess_run import (
    Pacer,
    RunOptions,
    RunReport,
    count_older,
    resume_cursor,
    run,
)

DEFAULT_CHECKPOINT = Path(".reprocess-checkpoint.json")
BAR_WIDTH = 30
PLAIN_EVERY = 100


def duration(seconds: float) -> str:
    """1h02m03s, 4m05s or 6s."""
    whole = max(0, round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m{secs:02d}s"
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


def progress_line(sent: int, total: int, elapsed: float) -> str:
    """`[#####-----]  120/500  24%  5.0/s  ETA 1m16s`."""
    share = sent / total if total else 1.0
    filled = round(BAR_WIDTH * share)
    rate = sent / elapsed if elapsed > 0 else 0.0
    eta = duration((total - sent) / rate) if rate > 0 else "?"
    return (f"[{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {sent:>7,}/{total:,} "
            f"{share:>4.0%} {rate:5.1f}/s ETA {eta}")


def reporter(stream: TextIO, clock: Callable[[], float] = time.monotonic
             ) -> Callable[[int, int], None]:
    """Redraws one line on a terminal; elsewhere prints a plain line every 100 images."""
    started = clock()
    tty = stream.isatty()

    def show(sent: int, total: int) -> None:
        line = progress_line(sent, total, clock() - started)
        if tty:
            print(f"\rreprocess: {line}", end="", file=stream, flush=True)
        elif sent % PLAIN_EVERY == 0 or sent == total:
            print(f"reprocess: {line}", file=stream)

    return show


def estimate_lines(estimate: Estimate, rate: float) -> list[str]:
    """The dry run's estimate, priced with the README's cost table."""
    e = estimate
    at = f"{duration(e.images / rate)} at {rate:g} images/s" if rate > 0 else "unpaced"
    return [
        f"  Lambda invocations  {e.invocations:>12,}  (render and indexer)",
        f"  GB-seconds          {e.gb_seconds:>12,.0f}",
        f"  SQS requests        {e.sqs_requests:>12,}",
        f"  S3 requests         {e.s3_gets:>12,} GET  {e.s3_puts:,} PUT",
        f"  DynamoDB units      {e.write_units:>12,} write  {e.read_units:,} read",
        f"  CDN invalidations   {e.invalidation_paths:>12,} paths",
        f"  bytes               {e.bytes_read / 1e9:>12,.2f} GB read  "
        f"{e.bytes_written / 1e9:,.2f} GB written",
        f"  about ${e.dollars:,.2f} (README 'What it costs' prices, us-east-1); {at}",
    ]


def dry_run(deps: Deps, checkpoint_found: bool, limit: int | None, rate: float,
            stream: TextIO) -> int:
    """Count the images a run would send, and print what it would cost; changes nothing."""
    count = count_older(deps, RunOptions().page_size)
    if limit is not None:
        count = min(count, limit)
    version = deps.profile_version
    resumes = "; a checkpoint would resume" if checkpoint_found else ""
    print(f"reprocess (dry run): {count:,} ready images on an older profile than {version} "
          f"(a scan of the images table){resumes}", file=stream)
    estimate = reprocess_estimate(count, ReprocessAssumptions(renditions=len(deps.profile)))
    for line in estimate_lines(estimate, rate):
        print(line, file=stream)
    return count


def closing_line(report: RunReport) -> str:
    """What the run did and what is left."""
    resumed = " (resumed from the checkpoint)" if report.resumed else ""
    head = f"reprocess: sent {report.sent:,} images to profile {report.version}{resumed}"
    if report.finished:
        return f"{head}; the scan is through (images flip as their renditions land)"
    return f"{head}; stopped at the limit: run again to go on from the checkpoint"


def reprocess(deps: Deps, checkpoint_path: Path, dry: bool, limit: int | None, rate: float,
              stream: TextIO) -> int:
    """The command: a dry run, or a paced, resumable run; returns the images counted/sent."""
    from chalicelib.bootstrap import checkpoint as make_checkpoint

    checkpoint = make_checkpoint(checkpoint_path)
    if dry:
        found = resume_cursor(checkpoint, deps.profile_version) is not None
        return dry_run(deps, found, limit, rate, stream)
    report = run(deps, checkpoint, RunOptions(limit=limit, rate=rate), Pacer(rate),
                 reporter(stream))
    print(("\n" if stream.isatty() else "") + closing_line(report), file=stream)
    return report.sent

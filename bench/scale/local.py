"""The model on one machine: the local stack's profile, so its predictions can be checked
against what `make soak` measures.

The local stack is not AWS in miniature. Every function runs in one pool of handler processes
(two under `make soak`), moto answers every S3, SQS and DynamoDB request inside the stack's own
process, and all of it shares the machine's cores. Its profile of the model therefore has:

- `workers`: the pool's processes, at most the machine's cores, shared first come first served
  by every function (`bench.scale.engine.Workers`);
- a message's service time: how long its handler holds a process WHILE THE STACK IS BUSY, read
  from the stack's own REPORT lines (`infra.local.workers.report_line`: each invocation's
  duration and CPU). A handler waits on moto for about as long as it computes, and waits longer
  when both processes and moto compete for two cores; CPU alone (or CPU times a fixed overhead)
  was 28-68% too fast;
- a fixed delay per upload for what is waiting rather than work (S3's notification, the
  pollers' pickups, the stream's 0.25 s poll, the engine's commit);
- no cold starts (the pool imports the app at start), no ramp (the pollers' concurrency is the
  pool's size), the batch sizes app.py declares (one message per invocation on both queues, up
  to 100 stream records);
- a photo is seen when the watcher next lists the index (`make soak` looks once a second).

`calibrated` derives it from two phases on a fresh stack (bench/scale/check.py): photos sent
one at a time (each one's latency and invocations: service times alone, by megapixels, and the
fixed delay), then a burst sent as `make soak` sends (how much longer each function's
invocations take when the stack is busy).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from bench.scale.measured import fit_line
from bench.scale.params import (
    Function,
    Model,
    Search,
    SqsScaling,
    Stream,
    Traffic,
)
from bench.scale.pipeline import Pipeline
from chalicelib.config import DEFAULT_PROFILE
from chalicelib.domain.renditions import (
    RenditionSpec,
    Size,
    fit_width,
    master_width,
    parse_profile,
    split_inline,
)
from infra.local.sources import declared_batch_sizes

WATCH_SECONDS = 1.0  # how often `make soak`'s watcher lists the index
SIZE_IN_LABEL = re.compile(r"(\d+)x(\d+)")


@dataclass(frozen=True)
class Line:
    """Seconds as a fixed part and a part per unit (megapixels, or records for the indexer)."""

    base: float
    per_unit: float

    def at(self, units: float) -> float:
        """The seconds at `units`."""
        return self.base + self.per_unit * units

    def scaled(self, factor: float) -> Line:
        """The same line `factor` times longer."""
        return Line(self.base * factor, self.per_unit * factor)


@dataclass(frozen=True)
class Sample:
    """One photo sent alone: acknowledged -> seen, and its invocations' durations."""

    label: str
    latency_s: float
    ingest_s: float
    render_s: tuple[float, ...]
    indexer_s: float  # one indexer batch of its records (their mean): one is on its path

    def megapixels(self) -> float:
        """The photo's size from its label."""
        width, height = photo_size(self.label)
        return width * height / 1e6


@dataclass(frozen=True)
class Busy:
    """A burst's invocations: each function's durations in all, and the indexer's per batch."""

    labels: tuple[str, ...]
    ingest_s: float
    render_s: float
    indexer: tuple[tuple[int, float], ...]  # (records, seconds) per invocation


@dataclass(frozen=True)
class Calibration:
    """Service times on one fresh local stack, and the wait that is not work."""

    ingest: Line  # seconds per message by megapixels, the stack busy
    render: Line
    indexer: Line  # seconds per invocation by records, the stack busy
    fixed_delay_seconds: float
    stretch: tuple[float, float]  # ingest and render: busy over alone
    records_per_upload: int  # stream records an upload makes (the burst's mean)
    samples: tuple[Sample, ...] = ()


def photo_size(label: str) -> tuple[int, int]:
    """Width and height from a photo's label (`12 MP 4000x3000 scene 3`)."""
    found = SIZE_IN_LABEL.search(label)
    if found is None:
        raise ValueError(f"no WxH in {label!r}")
    return int(found.group(1)), int(found.group(2))


def renders_for(width: int, height: int) -> int:
    """Render messages ingest fans out for a photo: the renditions too big for ingest to cut
    inline, and the full-size JPEG (the domain's own rule, on the default profile)."""
    profile = default_profile()
    shown = Size(width, height)
    _inline, fanned = split_inline(profile, fit_width(shown, master_width(profile, shown)))
    return len(fanned) + 1


@cache
def default_profile() -> tuple[RenditionSpec, ...]:
    """The renditions the service makes unless RENDITION_PROFILE says otherwise."""
    return parse_profile(json.loads(DEFAULT_PROFILE))


def alone_lines(samples: Sequence[Sample]) -> tuple[Line, Line]:
    """Ingest's and render's seconds per message by megapixels, the photos sent alone."""
    ingest = fit_line([(s.megapixels(), s.ingest_s) for s in samples])
    render = fit_line([(s.megapixels(), seconds) for s in samples for seconds in s.render_s])
    return Line(*ingest), Line(*render)


def stretch(busy: Busy, ingest: Line, render: Line) -> tuple[float, float]:
    """How much longer ingest and render take in the burst than their lines alone say for the
    same photos."""
    sizes = [photo_size(label) for label in busy.labels]
    alone_ingest = sum(ingest.at(w * h / 1e6) for w, h in sizes)
    alone_render = sum(renders_for(w, h) * render.at(w * h / 1e6) for w, h in sizes)
    return busy.ingest_s / alone_ingest, busy.render_s / alone_render


def calibrated(samples: Sequence[Sample], busy: Busy, poll_seconds: float) -> Calibration:
    """The profile's service times and fixed delay (module docstring): lines from the photos
    alone, stretched by the burst; the indexer's line from the burst's batches; the fixed delay
    is each photo's latency alone less half a poll and the invocations on its path (its ingest,
    its longest render, one indexer batch)."""
    ingest, render = alone_lines(samples)
    factors = stretch(busy, ingest, render)
    indexer = Line(*fit_line(list(busy.indexer)))
    waits = [s.latency_s - poll_seconds / 2 - s.ingest_s - max(s.render_s, default=0.0)
             - s.indexer_s for s in samples]
    fixed = max(0.0, sum(waits) / len(waits)) if waits else 0.0
    records = sum(count for count, _ in busy.indexer) / max(1, len(busy.labels))
    return Calibration(ingest.scaled(factors[0]), render.scaled(factors[1]), indexer, fixed,
                       factors, max(1, round(records)), tuple(samples))


def local_model(calibration: Calibration, workers: int, cores: int, spread: float = 0.25
                ) -> Model:
    """The model with the local stack's shape (module docstring)."""
    slots = max(1, min(workers, cores))
    batch = declared_batch_sizes()  # as the local pollers run them: app.py's

    def function(name: str, line: Line, size: int) -> Function:
        return Function(name, base_seconds=line.base, seconds_per_mp=line.per_unit,
                        cold_start_seconds=0.0, max_concurrency=slots, batch_size=size)

    return Model(
        ingest=function("ingest", calibration.ingest, batch["ingest"]),
        render=function("render", calibration.render, batch["render"]),
        indexer=function("indexer", Line(calibration.indexer.base, 0.0), batch["indexer"]),
        renders_per_upload=2,
        sqs=SqsScaling(initial=slots, added_per_minute=0, idle_reclaim_seconds=math.inf,
                       pickup_seconds=0.0),
        stream=Stream(delay_seconds=0.0, batch_size=batch["indexer"], parallelization=1,
                      records_per_upload=calibration.records_per_upload,
                      seconds_per_record=calibration.indexer.per_unit),
        search=Search(refresh_seconds=WATCH_SECONDS, index_docs_per_second_per_node=math.inf),
        notification_seconds=calibration.fixed_delay_seconds,
        service_spread=spread,
        workers=slots,
    )


def predict(model: Model, uploads: Sequence[Mapping[str, Any]]) -> list[float]:
    """Upload -> seen for each of `uploads` (label, `acknowledged_s`), arriving when they were
    acknowledged in the measured run, in the same order."""
    pipeline = Pipeline(model, Traffic("local", uploads_per_day=0, views_per_day=0), shards=1)
    for upload in uploads:
        width, height = photo_size(upload["label"])
        pipeline.arrive(upload["acknowledged_s"], megapixels=width * height / 1e6,
                        renders=renders_for(width, height))
    pipeline.clock.run()
    return [u.searchable - u.arrived if u.searchable is not None else math.inf
            for u in pipeline.uploads]

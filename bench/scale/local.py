"""The model on one machine: the local stack's profile, so its predictions can be checked
against what `make soak` measures.

The local stack is not AWS in miniature. Every function runs in one pool of handler processes
(two under `make soak`), moto answers every S3, SQS and DynamoDB request inside the stack's own
process, and all of it shares the machine's cores. Its profile of the model therefore has:

- `workers`: the pool's processes, at most the machine's cores (a process beyond them adds no
  CPU to share);
- a message's service time: the CPU it costs the whole machine, its handler's CPU
  (`bench/scale/service_times.json`, measured on this machine) times `overhead`, the stack's
  CPU per upload over its handlers' (moto, the front, the pollers, the search engine);
- a fixed delay per upload for what is waiting rather than work (S3's notification, the
  pollers' pickups, the stream's 0.25 s poll, the engine's commit);
- no cold starts (the pool imports the app at start) and no ramp (the pollers' concurrency is
  the pool's size), batches of 10 as the template's mappings;
- a photo is seen when the watcher next lists the index (`make soak` looks once a second).

`overhead` and the fixed delay come from `calibrate` (bench/scale/check.py): photos uploaded one
at a time on a fresh stack, each one's latency and the CPU the stack's processes spent on it.
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
from bench.scale.params import Function, Model, Search, SqsScaling, Stream, Traffic
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

SQS_BATCH = 10  # the template's SQS mappings take Lambda's default batch
STREAM_BATCH = 100  # the indexer's BatchSize in template.yaml
WATCH_SECONDS = 1.0  # how often `make soak`'s watcher lists the index
SIZE_IN_LABEL = re.compile(r"(\d+)x(\d+)")


@dataclass(frozen=True)
class HandlerCpu:
    """A handler's CPU seconds per message on this machine: a fixed part and one per MP."""

    ingest: tuple[float, float]
    render: tuple[float, float]
    indexer_record: float
    records_per_upload: float

    def upload(self, megapixels: float, renders: int) -> float:
        """All handler CPU one upload costs: its ingest, its renders, its stream records."""
        ingest = self.ingest[0] + self.ingest[1] * megapixels
        render = self.render[0] + self.render[1] * megapixels
        records = self.records_per_upload * self.indexer_record
        return ingest + renders * render + records

    def critical(self, megapixels: float) -> float:
        """The handler CPU on one upload's path when nothing queues: its ingest, one render
        (a second one runs beside it in the other process), the indexer's last batch."""
        ingest = self.ingest[0] + self.ingest[1] * megapixels
        render = self.render[0] + self.render[1] * megapixels
        return ingest + render + self.indexer_record


def handler_cpu(numbers: Mapping[str, Any]) -> HandlerCpu:
    """Warm handler CPU from `python -m bench.service_times`, as lines in the megapixels."""
    sizes = numbers["sizes"]
    ingest = fit_line([(s["megapixels"], s["ingest"]["warm_cpu_s"]) for s in sizes])
    render = fit_line([(s["megapixels"], s["render"]["warm_cpu_s"])
                       for s in sizes if s.get("render")])
    index = numbers["indexer"]
    per_record = index["cpu_s"] / max(1, index["records"])
    return HandlerCpu(ingest, render, per_record, index["records_per_upload"])


@dataclass(frozen=True)
class Calibration:
    """What one fresh local stack costs per upload when nothing queues."""

    overhead: float  # the stack's CPU per upload over its handlers' CPU
    fixed_delay_seconds: float  # an upload's latency alone, minus the work on its path
    background_cores: float  # what the idle stack's pollers use
    samples: tuple[dict[str, Any], ...] = ()


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


def calibrated(samples: Sequence[Mapping[str, Any]], cpu: HandlerCpu, background: float,
               poll_seconds: float, cores: int) -> Calibration:
    """`overhead` and the fixed delay from photos sent one at a time: each sample's label,
    `latency_s` (acknowledged -> seen, polled every `poll_seconds`), `stack_cpu_s` (all the
    stack's processes over the sample) and `main_cpu_s` (the stack's own process: moto, the
    front, the pollers, the search engine), the idle background taken out of both.

    The stack's own process runs behind one interpreter lock: it can use one core, not
    `cores`. When its share of an upload's CPU is more than 1/`cores`, it is what limits the
    stack, and the overhead is stretched so that the handler processes' `cores` slots pass
    uploads no faster than it does."""
    handler, spent, main, waits = 0.0, 0.0, 0.0, []
    for sample in samples:
        width, height = photo_size(sample["label"])
        megapixels = width * height / 1e6
        handler += cpu.upload(megapixels, renders_for(width, height))
        spent += sample["stack_cpu_s"]
        main += sample.get("main_cpu_s", 0.0)
    overhead = max(spent, cores * main) / handler if handler else 1.0
    for sample in samples:
        width, height = photo_size(sample["label"])
        work = overhead * cpu.critical(width * height / 1e6)
        waits.append(sample["latency_s"] - poll_seconds / 2 - work)
    fixed = max(0.0, sum(waits) / len(waits)) if waits else 0.0
    return Calibration(overhead, fixed, background, tuple(dict(s) for s in samples))


def local_model(cpu: HandlerCpu, calibration: Calibration, workers: int, cores: int,
                spread: float = 0.25) -> Model:
    """The model with the local stack's shape (module docstring)."""
    k = calibration.overhead
    slots = max(1, min(workers, cores))

    def function(name: str, line: tuple[float, float], batch: int) -> Function:
        return Function(name, base_seconds=k * line[0], seconds_per_mp=k * line[1],
                        cold_start_seconds=0.0, max_concurrency=slots, batch_size=batch)

    return Model(
        ingest=function("ingest", cpu.ingest, SQS_BATCH),
        render=function("render", cpu.render, SQS_BATCH),
        indexer=function("indexer", (0.0, 0.0), STREAM_BATCH),
        renders_per_upload=2,
        sqs=SqsScaling(initial=slots, added_per_minute=0, idle_reclaim_seconds=math.inf,
                       pickup_seconds=0.0),
        stream=Stream(delay_seconds=0.0, batch_size=STREAM_BATCH, parallelization=1,
                      records_per_upload=round(cpu.records_per_upload),
                      seconds_per_record=k * cpu.indexer_record),
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

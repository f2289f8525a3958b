"""One upload's path through the model: S3 notification -> ingest queue -> ingest -> render
queue -> render(s) -> the ready write -> stream -> indexer -> search refresh."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from bench.scale import arrivals
from bench.scale.engine import (
    Clock,
    Message,
    Record,
    SqsFunction,
    StreamFunction,
    Tally,
    Workers,
)
from bench.scale.params import Model, Traffic


@dataclass
class Upload:
    """When one upload arrived, whether it was part of the burst, when it became searchable."""

    arrived: float
    megapixels: float
    burst: bool
    renders_left: int
    searchable: float | None = None


@dataclass
class Run:
    """Everything a run leaves: the uploads and each station's tally."""

    uploads: list[Upload]
    ingest: Tally
    render: Tally
    indexer: Tally
    shards: int
    burst_start: float | None = None


def shards_for(model: Model, traffic: Traffic) -> int:
    """Stream shards of an on-demand table sized for the day's peak writes."""
    peak_units = arrivals.peak_rate(traffic) * model.write_units_per_upload
    partitions = math.ceil(peak_units / model.stream.write_units_per_partition)
    return max(model.stream.minimum_shards, partitions)


class Pipeline:
    """The stations wired together, for one run."""

    def __init__(self, model: Model, traffic: Traffic, shards: int) -> None:
        self.model, self.traffic = model, traffic
        self.clock = Clock()
        self.rng = random.Random(model.seed)
        self.uploads: list[Upload] = []
        workers = Workers(self.clock, model.workers)
        self.ingest = SqsFunction(self.clock, model.ingest, model.sqs, self._ingested, self.rng,
                                  model.service_spread, workers)
        self.render = SqsFunction(self.clock, model.render, model.sqs, self._rendered, self.rng,
                                  model.service_spread, workers)
        docs_per_second = model.search.index_docs_per_second_per_node * model.search.nodes
        self.indexer = StreamFunction(self.clock, model.indexer, model.stream, shards,
                                      docs_per_second, self._indexed, self.rng,
                                      model.service_spread, workers)

    def arrive(self, moment: float, burst: bool = False, megapixels: float | None = None,
               renders: int | None = None) -> None:
        """An upload lands in the uploads bucket at `moment`: a photo drawn from the traffic's
        mix with the model's render messages, unless its size and renders are given."""
        size = arrivals.megapixels(self.traffic, self.rng) if megapixels is None else megapixels
        upload = Upload(moment, size, burst,
                        self.model.renders_per_upload if renders is None else renders)
        self.uploads.append(upload)
        number = len(self.uploads) - 1
        message = Message(number, upload.megapixels)
        self.clock.at(moment + self.model.notification_seconds, self.ingest.send, message)

    def _ingested(self, message: Message) -> None:
        for _ in range(self.model.stream.records_per_upload - 1):  # pending, processing, ...
            self.indexer.put(Record(message.upload, ready=False))
        renders = self.uploads[message.upload].renders_left
        if renders == 0:
            self.indexer.put(Record(message.upload, ready=True))
        for _ in range(renders):
            self.render.send(Message(message.upload, message.megapixels))

    def _rendered(self, message: Message) -> None:
        upload = self.uploads[message.upload]
        upload.renders_left -= 1
        if upload.renders_left == 0:
            self.indexer.put(Record(message.upload, ready=True))

    def _indexed(self, number: int) -> None:
        refresh = self.rng.uniform(0, self.model.search.refresh_seconds)
        self.uploads[number].searchable = self.clock.now + refresh


def simulate(model: Model, traffic: Traffic, with_burst: bool) -> Run:
    """The window around the day's peak, with or without one contributor's burst at its top."""
    shards = shards_for(model, traffic)
    pipeline = Pipeline(model, traffic, shards)
    for moment in arrivals.steady(traffic, pipeline.rng):
        pipeline.arrive(moment)
    burst_start = None
    if with_burst:
        burst_start = 0.75 * traffic.window_seconds - traffic.burst_seconds
        for moment in arrivals.burst(traffic, burst_start):
            pipeline.arrive(moment, burst=True)
    pipeline.clock.run()
    return Run(pipeline.uploads, pipeline.ingest.tally, pipeline.render.tally,
               pipeline.indexer.tally, shards, burst_start)

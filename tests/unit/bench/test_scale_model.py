"""The scale model's parts against answers worked out by hand: arrivals, one SQS station,
the stream's lanes, the peak arithmetic and the sizing it suggests."""

from __future__ import annotations

import math
import random
from dataclasses import replace

import pytest

from bench.scale import arrivals, saturation
from bench.scale.__main__ import measured_model
from bench.scale.engine import Clock, Message, Record, SqsFunction, StreamFunction
from bench.scale.params import (
    DAY,
    SIZES,
    Function,
    SqsScaling,
    Stream,
    Traffic,
    aws_defaults,
)
from bench.scale.pipeline import shards_for, simulate
from bench.scale.summary import latency, outcome
from infra.local.sources import declared_batch_sizes

EXACT = SqsScaling(initial=5, added_per_minute=300, idle_reclaim_seconds=600, pickup_seconds=0)


def station(cap: int, batch: int = 1, cold: float = 0.0, scaling: SqsScaling = EXACT
            ) -> tuple[Clock, SqsFunction, list[tuple[float, int]]]:
    clock = Clock()
    finished: list[tuple[float, int]] = []
    function = Function("f", base_seconds=1.0, cold_start_seconds=cold, max_concurrency=cap,
                        batch_size=batch)
    sqs = SqsFunction(clock, function, scaling,
                      lambda message: finished.append((clock.now, message.upload)),
                      random.Random(1), spread=0.0)
    return clock, sqs, finished


def send_at_zero(clock: Clock, sqs: SqsFunction, count: int) -> None:
    for number in range(count):
        clock.at(0.0, sqs.send, Message(number, 12.0))
    clock.run()


def test_given_a_peak_to_mean_then_the_day_shape_has_that_peak_and_the_days_mean() -> None:
    traffic = Traffic("t", uploads_per_day=86_400, views_per_day=0, peak_to_mean=5)
    steps = 2_000
    mean = sum(arrivals.rate_at(traffic, i * DAY / steps) for i in range(steps)) / steps
    assert mean == pytest.approx(1.0, rel=1e-6)
    assert arrivals.peak_rate(traffic) == pytest.approx(5.0, rel=1e-6)
    assert arrivals.rate_at(traffic, DAY / 2) < 0.1  # the night is quiet


def test_given_a_flat_day_then_poisson_arrivals_at_the_mean_rate() -> None:
    traffic = Traffic("t", uploads_per_day=86_400 * 10, views_per_day=0, peak_to_mean=1,
                      window_seconds=1_000)
    count = sum(1 for _ in arrivals.steady(traffic, random.Random(3)))
    assert abs(count - 10_000) < 4 * math.sqrt(10_000)


def test_given_ten_messages_and_one_slot_then_they_finish_one_second_apart() -> None:
    clock, sqs, finished = station(cap=1)
    send_at_zero(clock, sqs, 10)
    assert [moment for moment, _ in finished] == [float(i) for i in range(1, 11)]
    assert sqs.tally.busiest == 1 and sqs.tally.deepest == 10


def test_given_a_cap_of_five_then_ten_messages_take_two_rounds() -> None:
    clock, sqs, finished = station(cap=5)
    send_at_zero(clock, sqs, 10)
    assert sorted(moment for moment, _ in finished) == [1.0] * 5 + [2.0] * 5


def test_given_batches_of_ten_then_one_invocation_works_through_them_in_order() -> None:
    clock, sqs, finished = station(cap=5, batch=10)
    send_at_zero(clock, sqs, 10)
    assert [moment for moment, _ in finished] == [float(i) for i in range(1, 11)]
    assert sqs.tally.invocations == 1


def test_given_a_backlog_then_concurrency_grows_by_the_ramp_up_to_the_cap() -> None:
    clock, sqs, _ = station(cap=1_000)
    for number in range(5_000):
        clock.at(0.0, sqs.send, Message(number, 1.0))
    clock.at(2.0, lambda: seen.append(sqs.limit()))
    seen: list[int] = []
    clock.run()
    assert seen == [15]  # 5 to start, 300 a minute = 5 a second for 2 s
    assert sqs.tally.busiest > 15  # and it kept growing while the backlog lasted


def test_given_a_cold_start_then_only_new_environments_pay_it() -> None:
    clock, sqs, finished = station(cap=1, cold=0.5)
    send_at_zero(clock, sqs, 3)
    assert [moment for moment, _ in finished] == [1.5, 2.5, 3.5]
    assert sqs.tally.cold_starts == 1


def test_given_records_on_one_lane_then_one_batch_at_a_time_of_up_to_the_batch_size() -> None:
    clock = Clock()
    indexed: list[tuple[float, int]] = []
    function = Function("indexer", base_seconds=0.1, cold_start_seconds=0.0)
    stream = Stream(delay_seconds=0.0, batch_size=2, seconds_per_record=0.0)
    indexer = StreamFunction(clock, function, stream, shards=1, docs_per_second=1e9,
                             done=lambda n: indexed.append((clock.now, n)),
                             rng=random.Random(1), spread=0.0)
    for number in range(5):
        clock.at(0.0, indexer.put, Record(number, ready=True))
    clock.run()
    assert [round(moment, 6) for moment, _ in indexed] == [0.1, 0.1, 0.2, 0.2, 0.3]
    assert indexer.tally.invocations == 3


def test_given_a_slow_search_cluster_then_indexing_waits_for_it() -> None:
    clock = Clock()
    indexed: list[float] = []
    function = Function("indexer", base_seconds=0.0, cold_start_seconds=0.0)
    stream = Stream(delay_seconds=0.0, batch_size=1, seconds_per_record=0.0, parallelization=4)
    indexer = StreamFunction(clock, function, stream, shards=1, docs_per_second=2.0,
                             done=lambda n: indexed.append(clock.now), rng=random.Random(1),
                             spread=0.0)
    for number in range(4):
        clock.at(0.0, indexer.put, Record(number, ready=True))
    clock.run()
    assert indexed == [0.5, 1.0, 1.5, 2.0]


def test_given_enough_capacity_then_searchable_is_the_sum_of_the_steps() -> None:
    model = replace(aws_defaults(), service_spread=0.0)
    traffic = Traffic("t", uploads_per_day=100, views_per_day=0, megapixels=((10, 1),),
                      window_seconds=3_600, burst_photos=0)
    run = outcome(simulate(model, traffic, with_burst=False))
    warm_path = (model.notification_seconds + model.sqs.pickup_seconds + model.ingest.seconds(10)
                 + model.sqs.pickup_seconds + model.render.seconds(10)
                 + model.stream.delay_seconds + model.indexer.base_seconds
                 + model.stream.seconds_per_record
                 + 1 / model.search.index_docs_per_second_per_node)
    assert warm_path <= run.latency.p50 <= warm_path + model.search.refresh_seconds
    assert run.deepest["ingest"] == 1


def test_given_the_template_caps_at_a_million_a_day_then_ingest_saturates_first_of_the_pipeline(
) -> None:
    model, large = aws_defaults(), SIZES[2]
    pipeline = [load for load in saturation.loads(model, large, shards_for(model, large))
                if "concurrency" in load.resource and "account" not in load.resource]
    assert pipeline[0].resource == "ingest concurrency" and pipeline[0].utilisation > 1
    assert pipeline[0].setting == "IngestMaximumConcurrency"


def test_given_the_suggested_sizing_then_a_saturated_size_drains_and_every_load_is_below_one(
) -> None:
    model, large = aws_defaults(), replace(SIZES[2], window_seconds=150, burst_photos=100)
    shards = shards_for(model, large)
    sized = saturation.apply(model, saturation.suggested(model, large, shards))
    before = outcome(simulate(model, large, with_burst=True))
    after = outcome(simulate(sized, large, with_burst=True))
    assert after.latency.p99 < 10 < before.latency.p50
    for load in saturation.loads(sized, large, shards):
        if load.setting in ("IngestMaximumConcurrency", "RenderMaximumConcurrency",
                            "IndexerParallelization"):
            assert load.utilisation < 1, load


def test_given_durations_then_percentiles_by_the_inclusive_method() -> None:
    result = latency([float(i) for i in range(1, 101)])
    assert (result.count, result.p50, result.worst) == (100, 50.5, 100.0)
    assert latency([]).count == 0


def test_given_the_app_then_the_aws_model_takes_its_batch_sizes() -> None:
    # GIVEN app.py's decorators (tests/unit/infra/test_batch_sizes.py: template.yaml's too)
    declared = declared_batch_sizes()
    # THEN the model, and the measured one the report runs, batch as they do: one photo an
    # invocation on both queues, up to 100 stream records
    for model in (aws_defaults(), measured_model()[0]):
        batches = (model.ingest.batch_size, model.render.batch_size, model.stream.batch_size)
        assert batches == (declared["ingest"], declared["render"], declared["indexer"])
        assert batches == (1, 1, 100)

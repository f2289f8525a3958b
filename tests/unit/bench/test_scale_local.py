"""The local stack's profile of the scale model: one pool of handler processes for every
function, service times from handler CPU times the stack's overhead, worked out by hand."""

from __future__ import annotations

import random

import pytest

from bench.scale import local
from bench.scale.engine import Clock, Message, SqsFunction, Workers
from bench.scale.params import Function, SqsScaling

FLAT = SqsScaling(initial=2, added_per_minute=0, idle_reclaim_seconds=600, pickup_seconds=0)
CPU = local.HandlerCpu(ingest=(0.5, 0.0), render=(0.25, 0.0), indexer_record=0.0,
                       records_per_upload=1)


def test_given_two_functions_on_one_slot_then_their_invocations_take_turns() -> None:
    clock = Clock()
    workers = Workers(clock, slots=1)
    done: list[tuple[str, float]] = []
    functions = [SqsFunction(clock, Function(name, base_seconds=1.0, cold_start_seconds=0.0,
                                             max_concurrency=2),
                             FLAT, lambda m, name=name: done.append((name, clock.now)),
                             random.Random(1), spread=0.0, workers=workers)
                 for name in ("a", "b")]
    for function in functions:
        clock.at(0.0, function.send, Message(0, 1.0))
        clock.at(0.0, function.send, Message(1, 1.0))
    clock.run()
    # four invocations of a second each, one at a time, in the order they were submitted
    assert [moment for _, moment in done] == [1.0, 2.0, 3.0, 4.0]
    assert workers.busy == 0


def test_given_no_slot_limit_then_every_invocation_starts_at_once() -> None:
    clock = Clock()
    workers = Workers(clock)
    started: list[float] = []
    for _ in range(3):
        workers.submit(lambda now: started.append(now) or 5.0)
    assert started == [0.0, 0.0, 0.0]


def test_given_photo_sizes_then_render_messages_follow_the_domains_inline_rule() -> None:
    assert local.renders_for(866, 577) == 1  # every rendition cut by ingest: the full JPEG only
    assert local.renders_for(4000, 3000) == 2  # the 2048 px rendition too
    assert local.photo_size("12 MP 4000x3000 scene 3") == (4000, 3000)


def test_given_samples_then_overhead_is_stack_cpu_over_handler_cpu_and_the_rest_is_waiting(
) -> None:
    # a 0.5 MP photo: ingest 0.5 + one render 0.25 = 0.75 s of handler CPU; the stack spent 1.5
    samples = [{"label": "0.5 MP 866x577 scene 0", "latency_s": 2.05, "stack_cpu_s": 1.5,
                "main_cpu_s": 0.6}]
    calibration = local.calibrated(samples, CPU, background=0.1, poll_seconds=0.1, cores=2)
    assert calibration.overhead == pytest.approx(2.0)
    # latency 2.05 - half a poll 0.05 - the path's work 2 x (0.5 + 0.25)
    assert calibration.fixed_delay_seconds == pytest.approx(0.5)


def test_given_the_stacks_own_process_over_its_core_share_then_it_sets_the_pace() -> None:
    # of 1.5 s a photo, 0.9 s in the stack's own process: it passes a photo every 0.9 s at
    # best, slower than two cores' 0.75 s; two slots must then take 1.8 s of work a photo
    samples = [{"label": "0.5 MP 866x577 scene 0", "latency_s": 3.0, "stack_cpu_s": 1.5,
                "main_cpu_s": 0.9}]
    calibration = local.calibrated(samples, CPU, background=0.0, poll_seconds=0.0, cores=2)
    assert calibration.overhead == pytest.approx(1.8 / 0.75)


def test_given_a_calibrated_model_then_photos_queue_for_the_two_processes() -> None:
    calibration = local.Calibration(overhead=2.0, fixed_delay_seconds=0.5, background_cores=0.0)
    model = local.local_model(CPU, calibration, workers=3, cores=2, spread=0.0)
    assert model.workers == 2  # a third process would have no core to run on
    alone = {"label": "0.5 MP 866x577 scene 0", "acknowledged_s": 0.0}
    [latency] = local.predict(model, [alone])
    # 0.5 s waiting, ingest 1.0 s, its render 0.5 s, then up to a watcher's second
    assert 2.0 <= latency <= 3.0
    crowd = [dict(alone) for _ in range(20)]
    latencies = local.predict(model, crowd)
    # Both processes take a batch of 10 ingests (10 s each, from 0.5 s); the renders wait for
    # them, then share the two processes: 20 x 0.5 s more. The first seen at 11 s (+ up to the
    # watcher's second), the last at 15.5 s at the earliest.
    assert 11.0 <= min(latencies) <= 12.0
    assert 15.5 <= max(latencies) <= 17.0

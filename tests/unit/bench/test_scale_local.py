"""The local stack's profile of the scale model: one pool of handler processes for every
function, service times from the stack's REPORT lines alone and busy, worked out by hand."""

from __future__ import annotations

import random

import pytest

from bench.scale import local
from bench.scale.engine import Clock, Message, SqsFunction, Workers
from bench.scale.params import Function, SqsScaling

FLAT = SqsScaling(initial=2, added_per_minute=0, idle_reclaim_seconds=600, pickup_seconds=0)
SMALL = "0.5 MP 866x577 scene 0"  # one render message (the full-size JPEG)
LARGE = "12 MP 4000x3000 scene 1"  # two


def alone(label: str, latency: float, ingest: float, renders: tuple[float, ...],
          indexer: float = 0.05) -> local.Sample:
    return local.Sample(label, latency, ingest, renders, indexer)


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


def test_given_photos_alone_then_service_lines_follow_their_megapixels() -> None:
    samples = [alone(SMALL, 2.0, ingest=0.4, renders=(0.2,)),
               alone(LARGE, 5.0, ingest=1.6, renders=(1.0, 0.6))]
    ingest, render = local.alone_lines(samples)
    small, large = 866 * 577 / 1e6, 12.0
    assert ingest.at(small) == pytest.approx(0.4)
    assert ingest.at(large) == pytest.approx(1.6)
    # the renders of the large photo fit through their mean (0.8 s), the small one's 0.2 s
    assert render.at(small) == pytest.approx(0.2)
    assert render.at(large) == pytest.approx(0.8)


def test_given_a_burst_then_each_function_is_stretched_by_busy_over_alone() -> None:
    ingest, render = local.Line(0.5, 0.0), local.Line(0.25, 0.0)
    # two small photos (one render each) and a large one (two): alone 1.5 s of ingest and
    # 4 x 0.25 = 1.0 s of render; the burst's REPORT lines add up to 3.0 s and 1.5 s
    busy = local.Busy((SMALL, SMALL, LARGE), ingest_s=3.0, render_s=1.5, indexer=())
    assert local.stretch(busy, ingest, render) == pytest.approx((2.0, 1.5))


def test_given_samples_and_a_burst_then_the_rest_of_a_latency_alone_is_the_fixed_delay(
) -> None:
    samples = [alone(SMALL, 2.05, ingest=0.5, renders=(0.25,), indexer=0.1),
               alone(SMALL, 2.05, ingest=0.5, renders=(0.25,), indexer=0.1)]
    busy = local.Busy((SMALL, SMALL), ingest_s=2.0, render_s=0.5,
                      indexer=((6, 0.1), (8, 0.12)))
    calibration = local.calibrated(samples, busy, poll_seconds=0.1)
    assert calibration.stretch == pytest.approx((2.0, 1.0))
    assert calibration.ingest.at(0.5) == pytest.approx(1.0)  # 0.5 s alone, twice as long busy
    assert calibration.render.at(0.5) == pytest.approx(0.25)
    # the indexer's batches: 0.04 s each + 0.01 s a record; 14 records for 2 uploads
    assert calibration.indexer.base == pytest.approx(0.04)
    assert calibration.indexer.per_unit == pytest.approx(0.01)
    assert calibration.records_per_upload == 7
    # latency 2.05 - half a poll 0.05 - the path alone: 0.5 + 0.25 + 0.1
    assert calibration.fixed_delay_seconds == pytest.approx(1.15)


def test_given_a_calibrated_model_then_photos_queue_for_the_two_processes() -> None:
    calibration = local.Calibration(ingest=local.Line(1.0, 0.0), render=local.Line(0.5, 0.0),
                                    indexer=local.Line(0.0, 0.0), fixed_delay_seconds=0.5,
                                    stretch=(2.0, 2.0), records_per_upload=1)
    model = local.local_model(calibration, workers=3, cores=2, spread=0.0)
    assert model.workers == 2  # a third process would have no core to run on
    assert model.ingest.batch_size == model.render.batch_size == 1  # as app.py declares
    only = {"label": SMALL, "acknowledged_s": 0.0}
    [latency] = local.predict(model, [only])
    # 0.5 s waiting, ingest 1.0 s, its render 0.5 s, then up to a watcher's second
    assert 2.0 <= latency <= 3.0
    crowd = [dict(only) for _ in range(20)]
    latencies = local.predict(model, crowd)
    # One pool, first come first served: the first renders take turns with the ingests
    # behind them, so the first photo is seen long before the twentieth ingest has run (at
    # 10.5 s); 20 x 1.0 s + 20 x 0.5 s of work on two processes is 15 s, the last seen from
    # 15.5 s.
    assert 2.0 <= min(latencies) <= 6.0
    assert 15.5 <= max(latencies) <= 16.5

"""The runner finds exactly the event-driven functions an app declares."""

from __future__ import annotations

import pytest
from chalice import Chalice

from infra.local import sources
from infra.local.sources import QueueSource, ScheduleSource, StreamSource
from tests.integration.local.conftest import SAMPLE_APP


def test_given_the_sample_app_when_discovered_then_its_sqs_and_stream_functions_are_found() -> None:
    app = sources.load_app(SAMPLE_APP)
    found = sources.discover(app)
    assert found == [
        QueueSource(function="ingest", queue="stock-images-ingest", batch_size=10,
                    maximum_concurrency=None, batching_window_seconds=0),
        StreamSource(function="indexer", table="stock-images-images", batch_size=10,
                     starting_position="TRIM_HORIZON", batching_window_seconds=0),
    ]
    # AND each one has a callable Lambda entry point
    assert all(callable(sources.handler(app, s.function)) for s in found)


def test_given_an_app_with_other_event_kinds_when_discovered_then_only_polled_kinds_count() -> None:
    app = Chalice(app_name="other")

    @app.on_sqs_message(queue_arn="arn:aws:sqs:us-east-1:123456789012:by-arn",
                        maximum_concurrency=4)
    def by_arn(event: object) -> None: ...

    @app.schedule("rate(1 hour)")
    def hourly(event: object) -> None: ...

    @app.on_s3_event(bucket="b")
    def on_object(event: object) -> None: ...

    found = sources.discover(app)
    assert [(s.function, s.queue, s.maximum_concurrency) for s in found  # type: ignore[union-attr]
            if isinstance(s, QueueSource)] == [("by_arn", "by-arn", 4)]
    # AND the schedule is run locally too (by the stack's schedule runner); S3 events are not
    assert [s for s in found if not isinstance(s, QueueSource)] == [
        ScheduleSource(function="hourly", expression="rate(1 hour)")]


def test_given_stream_arns_when_parsed_then_the_table_name_comes_out() -> None:
    assert sources.table_of(
        "arn:aws:dynamodb:us-east-1:123456789012:table/stock-images-images/stream/local"
    ) == "stock-images-images"
    assert sources.table_of(
        "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/2026-11-28T00:05:06.139479"
    ) == "t"
    with pytest.raises(ValueError):
        sources.table_of("arn:aws:sqs:us-east-1:123456789012:queue")


def test_given_something_else_when_loaded_as_an_app_then_a_type_error() -> None:
    with pytest.raises(TypeError):
        sources.load_app("tests.integration.local.conftest:ROOT")


def test_given_the_real_app_when_discovered_then_exactly_its_event_lambdas() -> None:
    import app as real

    found = {s.function: s for s in sources.discover(real.app)}
    assert sorted(found) == ["indexer", "ingest", "render", "sweeper"]
    assert found["sweeper"] == ScheduleSource("sweeper", "rate(15 minutes)")
    assert {found["ingest"].queue, found["render"].queue} == {  # type: ignore[union-attr]
        "stock-images-ingest", "stock-images-render"}
    indexer = found["indexer"]
    assert isinstance(indexer, StreamSource) and indexer.table == "stock-images-images"

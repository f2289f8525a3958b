"""From measured numbers to the model: request latencies summed, lines fitted, capacity and
writes counted, a view built from the page-weight numbers."""

from __future__ import annotations

from typing import Any

import pytest

from bench.scale import measured
from bench.scale.params import Views, aws_defaults

FLAT = measured.Latency(dynamodb_item=0.01, dynamodb_batch=0.02, s3_request=0.1, s3_list=0.2,
                        sqs_request=0.05, s3_megabytes_per_second=100.0,
                        copy_megabytes_per_second=200.0, bulk_request=0.03)


def size(megapixels: float, ingest_cpu: float, render_cpu: float) -> dict[str, Any]:
    return {
        "megapixels": megapixels, "bytes": 1_000_000,
        "ingest": {"warm_cpu_s": ingest_cpu, "init_s": 1.0},
        "render": {"warm_cpu_s": render_cpu, "init_s": 1.0},
        "renders_per_upload": 2.0,
        "grant_requests": {"dynamodb:TransactWriteItems": 1,
                           "dynamodb:TransactWriteItems@t": 1,
                           "dynamodb:TransactWriteItems@t#items": 3},
        "ingest_requests": {"dynamodb:Query": 2, "dynamodb:Query@d": 2, "dynamodb:Query@d#items": 2,
                            "dynamodb:UpdateItem": 1, "dynamodb:UpdateItem@t#items": 1,
                            "s3:GET": 1, "s3:PUT": 2, "s3:LIST": 1, "sqs:SendMessageBatch": 1},
        "render_requests": {"dynamodb:UpdateItem": 1, "dynamodb:UpdateItem@t#items": 1,
                            "s3:PUT": 1},
    }


SIZES = [size(1.0, 0.2, 0.1), size(10.0, 0.2, 1.0)]
INDEXER = {"cpu_s": 0.2, "records": 100, "records_per_upload": 6.6, "init_s": 1.0}
NUMBERS: dict[str, Any] = {"sizes": SIZES, "indexer": INDEXER}


def test_given_requests_then_their_latencies_add_up_and_breakdowns_are_not_counted_twice(
) -> None:
    requests = SIZES[0]["ingest_requests"]
    # 2 queries + 1 update at 0.01, GET and 2 PUTs at 0.1, a LIST at 0.2, a send at 0.05
    assert measured.request_seconds(requests, FLAT) == pytest.approx(0.03 + 0.3 + 0.2 + 0.05)


def test_given_points_on_a_line_then_the_fit_finds_it_and_never_a_negative_slope() -> None:
    assert measured.fit_line([(1, 3), (2, 5), (4, 9)]) == pytest.approx((1.0, 2.0))
    assert measured.fit_line([(1, 5), (2, 4)])[1] == 0.0
    assert measured.fit_line([(3, 7)]) == (7, 0.0)


def test_given_a_photo_wider_than_the_master_then_the_master_is_2048_wide() -> None:
    assert measured.master_bytes(24.0) == pytest.approx(2048 * 2048 / 1.5 * 3, rel=1e-9)
    assert measured.master_bytes(1.0) == pytest.approx(3e6)  # smaller: its own size


def test_given_measured_numbers_then_the_model_takes_their_times_fan_out_and_counts() -> None:
    model = measured.model_from(NUMBERS, aws_defaults(), FLAT)
    ingest_1mp = measured.ingest_seconds(SIZES[0], FLAT)
    assert model.ingest.seconds(1.0) == pytest.approx(ingest_1mp)
    render_10mp = measured.render_seconds(SIZES[1], FLAT)
    assert model.render.seconds(10.0) == pytest.approx(render_10mp)
    assert model.renders_per_upload == 2
    assert model.stream.records_per_upload == 7
    assert model.stream.seconds_per_record == pytest.approx(0.002)
    # items written: grant 3 (a transaction: twice), ingest 1, two renders 1 each; 2 units each
    assert model.write_units_per_upload == pytest.approx((6 + 1 + 2) * 2)
    # the browser's POST, ingest's 2 PUTs and its LIST, two renders' PUT
    assert model.s3_puts_per_upload == pytest.approx(1 + 3 + 2)
    assert model.ingest.max_concurrency == aws_defaults().ingest.max_concurrency


def test_given_page_weights_then_a_view_is_the_photo_pages_own_bytes_and_a_share_of_the_shell(
) -> None:
    first = {"edge_bytes_by_kind": {"image": 100_000, "api": 2_000, "script": 50_000,
                                    "document": 1_000, "stylesheet": 4_000},
             "requests_by_kind": {"image": 1, "api": 2, "script": 20, "document": 1,
                                  "stylesheet": 1}}
    pages = {"pages": {"photo, desktop": {"first": first}, "home, desktop": {"first": {}}}}
    view = measured.views_from(pages, Views(), views_per_visit=5)
    assert view.bytes_per_view == pytest.approx(102_000 + 55_000 / 5)
    assert view.edge_requests_per_view == pytest.approx(3 + 22 / 5)
    assert view.api_calls_per_view == 2


def test_given_band_queries_then_they_wait_as_many_at_a_time_as_the_lookup_threads() -> None:
    from chalicelib.adapters.dynamodb.duplicates import LOOKUP_THREADS

    requests = {"dynamodb:Query": 68, "dynamodb:Query@stock-images-duplicates": 68,
                "dynamodb:Query@stock-images-duplicates#items": 68}
    assert measured.request_seconds(requests, FLAT) == pytest.approx(68 * 0.01 / LOOKUP_THREADS)
    other = {"dynamodb:Query": 2, "dynamodb:Query@stock-images-images": 2}
    assert measured.request_seconds(other, FLAT) == pytest.approx(0.02)


def test_given_reads_then_a_strong_get_is_a_unit_a_batch_get_a_unit_an_item_a_query_half(
) -> None:
    requests = {"dynamodb:GetItem": 3, "dynamodb:GetItem@t": 3, "dynamodb:GetItem@t#items": 2,
                "dynamodb:BatchGetItem": 1, "dynamodb:BatchGetItem@t#items": 4,
                "dynamodb:Query": 68, "dynamodb:Query@d": 68, "dynamodb:Query@d#items": 5,
                "dynamodb:UpdateItem": 2, "s3:GET": 1}
    one = {"ingest_requests": requests, "render_requests": {"dynamodb:GetItem": 1},
           "renders_per_upload": 2.0}
    assert measured.read_units({"sizes": [one]}) == pytest.approx(3 + 4 + 34 + 2)


def test_given_band_keys_then_an_item_of_the_unindexed_duplicates_table_is_one_write_unit(
) -> None:
    ingest = {"dynamodb:BatchWriteItem": 9, "dynamodb:BatchWriteItem@app-duplicates#items": 24,
              "dynamodb:UpdateItem": 2, "dynamodb:UpdateItem@app-images#items": 2}
    one = {"ingest_requests": ingest, "renders_per_upload": 0}
    # 24 band keys at one unit, two image-item updates at two (the by_owner index)
    assert measured.write_units({"sizes": [one]}) == pytest.approx(24 + 4)

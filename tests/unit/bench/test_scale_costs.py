"""The month's bill at a size: tiers, one line checked by hand, and the options."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from bench.scale import costs, prices
from bench.scale.params import Traffic, Views, aws_defaults

SIZE = Traffic("t", uploads_per_day=1_000, views_per_day=100_000)


def test_given_an_amount_over_tiers_then_each_part_pays_its_own_price() -> None:
    tiers = ((10.0, 2.0), (30.0, 1.0), (float("inf"), 0.5))
    assert prices.tiered(5, tiers) == 10.0
    assert prices.tiered(40, tiers) == 10 * 2.0 + 20 * 1.0 + 10 * 0.5
    assert prices.tiered(3e6, ((1e6, 3.5), (float("inf"), 2.8)), unit=1e6) == 3.5 + 2 * 2.8


def test_given_a_size_then_sqs_is_three_requests_per_message_at_its_price() -> None:
    model = aws_defaults()
    line = {line.service: line for line in costs.bill(model, SIZE)}["SQS"]
    messages = 30 * 1_000 * (1 + model.renders_per_upload)
    assert line.usd == pytest.approx(messages * 3 * prices.SQS_PER_MILLION / 1e6)


def test_given_more_views_then_only_view_driven_lines_grow() -> None:
    model = aws_defaults()
    base = {line.service: line.usd for line in costs.bill(model, SIZE)}
    busier = {line.service: line.usd
              for line in costs.bill(model, replace(SIZE, views_per_day=1_000_000))}
    assert busier["CloudFront"] == pytest.approx(base["CloudFront"] * 10)
    assert busier["SQS"] == base["SQS"] and busier["S3 storage"] == base["S3 storage"]


def test_given_edge_cached_photo_answers_then_the_option_costs_less_than_what_it_replaces(
) -> None:
    model = replace(aws_defaults(), views=Views(api_edge_hit_ratio=0.0))
    lines, options = costs.monthly(model, replace(SIZE, views_per_day=1e7))
    by_service = {line.service: line.usd for line in lines}
    cached = next(o for o in options if "cached at the edge" in o.setting)
    replaced = sum(by_service[name] for name in cached.replaces.split(" + "))
    assert 0 < cached.usd < replaced


def test_given_a_trial_size_then_one_small_search_node_else_at_least_two() -> None:
    model = aws_defaults()
    assert costs.search_cluster(model, SIZE) == costs.SearchCluster(1, "t3.small.search")
    busier = costs.search_cluster(model, replace(SIZE, views_per_day=1e7))
    assert busier.nodes >= 2 and busier.instance == "r7g.large.search"


def test_given_more_nodes_than_the_template_allows_then_larger_nodes_of_the_same_worth() -> None:
    model = aws_defaults()
    huge = replace(SIZE, views_per_day=1e9)  # hundreds of r7g.large worth of queries
    needed = costs.search_nodes(model, huge)
    cluster = costs.search_cluster(model, huge)
    assert needed > costs.MAX_SEARCH_NODES
    assert cluster.nodes <= costs.MAX_SEARCH_NODES
    assert cluster.nodes * cluster.larges >= needed
    assert cluster.nodes * cluster.larges / 2 < needed  # not a size larger than it must be
    line = {x.service: x for x in costs.bill(model, huge)}["OpenSearch domain"]
    assert cluster.label() in line.how


def test_the_node_cap_is_the_templates() -> None:
    template = (Path(__file__).resolve().parents[3] / "template.yaml").read_text()
    parameter = template.split("\n  SearchInstanceCount:\n", 1)[1]
    maximum = re.search(r"MaxValue: (\d+)", parameter)
    assert maximum is not None and int(maximum.group(1)) == costs.MAX_SEARCH_NODES


def test_given_uploads_and_views_then_read_units_are_the_uploads_and_the_calls_that_reach_the_api(
) -> None:
    model = replace(aws_defaults(), read_units_per_upload=40.0,
                    views=Views(api_calls_per_view=2.0, table_read_units_per_call=1.0,
                                api_edge_hit_ratio=0.75))
    # 10 uploads x 40, 100 views x 2 calls x the quarter the edge missed x 1 unit
    assert costs.read_units(model, 10, 100) == pytest.approx(400 + 50)


def test_given_steady_reads_then_provisioned_capacity_is_their_rate_over_the_target_use(
) -> None:
    model = replace(aws_defaults(), write_units_per_upload=0.0, read_units_per_upload=1.0,
                    views=Views(api_calls_per_view=0.0))
    uploads = 30 * 86_400.0  # one read unit a second all month
    usd = costs.provisioned_dynamodb(model, uploads, 0.0, costs.Assumptions())
    assert usd == pytest.approx(30 * 24 / 0.7 * prices.DYNAMODB_PROVISIONED_RCU_HOUR)


def test_given_one_message_an_invocation_then_lambda_requests_count_every_message() -> None:
    # GIVEN the model at app.py's batch size of one on both queues
    model = aws_defaults()
    assert (model.ingest.batch_size, model.render.batch_size) == (1, 1)
    messages = 30 * 1_000 * (1 + model.renders_per_upload)
    # THEN an invocation (a Lambda request) per ingest and per render message
    assert costs.queue_invocations(model, 30 * 1_000) == messages
    line = {line.service: line for line in costs.bill(model, SIZE)}["Lambda"]
    counted = re.search(r"([\d,]+) invocations", line.how)
    assert counted, line.how
    invocations = float(counted[1].replace(",", ""))
    api = costs.api_calls(model, 30 * 1_000, 30 * 100_000, costs.Assumptions())
    records = 30 * 1_000 * model.stream.records_per_upload
    assert invocations == round(messages + records / 2 + api)


def test_given_a_batch_of_ten_then_at_fewest_a_tenth_of_the_invocations() -> None:
    model = aws_defaults()
    batched = replace(model, ingest=replace(model.ingest, batch_size=10),
                      render=replace(model.render, batch_size=10))
    assert costs.queue_invocations(batched, 1_000) == costs.queue_invocations(model, 1_000) / 10

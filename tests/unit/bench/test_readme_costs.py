"""The README's "Per 10,000 uploads" table is the measured model's (bench.scale.readme_costs):
this fails when the table, the committed measurements, the model or the prices move apart."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bench.scale import costs, prices, readme_costs
from bench.scale.__main__ import measured_model
from bench.scale.params import Traffic, aws_defaults

ROOT = Path(__file__).resolve().parents[3]
HEADING = "**Per 10,000 uploads**"


def readme_rows() -> list[tuple[str, str]]:
    """(item, USD cell) of each row of the README's table, bold marks removed."""
    text = (ROOT / "README.md").read_text()
    lines = text[text.index(HEADING):].splitlines()[3:]  # heading, header, separator
    rows = []
    for line in lines:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        rows.append((cells[0].strip("*"), cells[-1].strip("*")))
    return rows


def test_given_the_committed_measurements_then_the_readme_prints_each_rows_dollars() -> None:
    model, _ = measured_model()
    expected = [(row.item.strip("*"), row) for row in readme_costs.rows(model)]
    found = readme_rows()
    assert [item for item, _ in found] == [item for item, _ in expected], "rows differ"
    for (item, cell), (_, row) in zip(found, expected, strict=True):
        decimals = len(cell.partition(".")[2])
        assert cell == f"{row.usd:.{decimals}f}", (
            f"README {item}: {cell}, the model says {row.usd:.4f}: run "
            "`python -m bench.scale --readme` and copy its table")


def test_given_the_committed_measurements_then_the_readme_shows_the_models_arithmetic() -> None:
    model, _ = measured_model()
    table = "\n".join(readme_costs.table(readme_costs.rows(model)))
    assert f"{HEADING}\n{table}\n" in (ROOT / "README.md").read_text(), (
        "run `python -m bench.scale --readme` and copy its table")


def by_item(model_rows: list[readme_costs.Row]) -> dict[str, float]:
    return {row.item: row.usd for row in model_rows}


def test_given_a_model_then_the_rows_follow_its_counts_and_the_total_adds_the_one_off_rows(
) -> None:
    model = replace(aws_defaults(), write_units_per_upload=10.0, read_units_per_upload=4.0,
                    s3_puts_per_upload=6.0, renders_per_upload=3)
    model_rows = readme_costs.rows(model, uploads=1_000)
    usd = by_item(model_rows)
    assert usd["DynamoDB"] == pytest.approx(
        1_000 * (10 * prices.DYNAMODB_WRITE_PER_MILLION + 4 * prices.DYNAMODB_READ_PER_MILLION)
        / 1e6)
    assert usd["SQS"] == pytest.approx(1_000 * 4 * 3 * prices.SQS_PER_MILLION / 1e6)
    seconds = round(model.render.seconds(24), 2)
    assert usd["Lambda, render"] == pytest.approx(
        3_000 * (1.769 * seconds * prices.LAMBDA_GB_SECOND + prices.LAMBDA_PER_MILLION / 1e6))
    once = model_rows[:model_rows.index(next(r for r in model_rows if "total" in r.item))]
    assert usd["**total, once**"] == pytest.approx(sum(row.usd for row in once))


def test_given_the_same_uploads_then_the_rows_are_bench_scale_costs_arithmetic() -> None:
    model, _ = measured_model()
    uploads = 30_000  # a month of 1,000 a day, all 24 MP, no views
    month = Traffic("t", uploads_per_day=1_000, views_per_day=0, megapixels=((24, 1.0),))
    bill = {line.service: line.usd for line in costs.bill(model, month)}
    usd = by_item(readme_costs.rows(model, uploads=uploads))
    assert usd["SQS"] == pytest.approx(bill["SQS"])
    assert usd["S3 requests"] == pytest.approx(bill["S3 requests"])
    assert usd["API Gateway"] == pytest.approx(bill["API Gateway"])
    lambdas = sum(value for item, value in usd.items() if item.startswith("Lambda"))
    assert lambdas == pytest.approx(bill["Lambda"], rel=0.01)  # the table rounds seconds

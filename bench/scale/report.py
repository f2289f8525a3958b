"""The model's answers as markdown tables, one section per size."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bench.scale import arrivals
from bench.scale.costs import Line, Option, SearchCluster
from bench.scale.params import Model, Traffic
from bench.scale.saturation import Load, Sizing, needed_concurrency, peak_views_per_second
from bench.scale.summary import Latency, Outcome


def seconds(value: float | None) -> str:
    """A duration as people read it."""
    if value is None:
        return "-"
    if value < 120:
        return f"{value:.1f} s"
    if value < 7200:
        return f"{value / 60:.1f} min"
    return f"{value / 3600:.1f} h"


def latency_cells(value: Latency | None, between: str = " | ") -> str:
    """p50, p95 and p99 of a latency (dashes when there is none), joined by `between`."""
    if value is None or value.count == 0:
        return between.join("-" * 3)
    return between.join(seconds(v) for v in (value.p50, value.p95, value.p99))


def traffic_lines(model: Model, traffic: Traffic) -> list[str]:
    """The size's arrival rates and the concurrency Little's law says it needs."""
    need = needed_concurrency(model, traffic)
    return [
        f"{traffic.uploads_per_day:,.0f} uploads a day (peak {arrivals.peak_rate(traffic):.2f}/s, "
        f"{traffic.peak_to_mean:g}x the mean), {traffic.views_per_day:,.0f} image views a day "
        f"(peak {peak_views_per_second(traffic):,.0f}/s). Busy instances needed at the peak: "
        + ", ".join(f"{name} {value:.1f}" for name, value in need.items()) + ".",
    ]


def runs_table(rows: Sequence[tuple[str, Outcome]]) -> list[str]:
    """One row per simulated run."""
    lines = ["| run | uploads | searchable p50 | p95 | p99 | deepest ingest / render queue "
             "| burst drained in | others during the burst p50 / p95 / p99 "
             "| most busy ingest / render / indexer | cold starts |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for name, out in rows:
        busy, cold, deep = out.busiest, out.cold_starts, out.deepest
        lines.append(
            f"| {name} | {out.latency.count:,} | {latency_cells(out.latency)} "
            f"| {deep['ingest']:,} / {deep['render']:,} | {seconds(out.burst_drain_seconds)} "
            f"| {latency_cells(out.others_during_burst, ' / ')} "
            f"| {busy['ingest']} / {busy['render']} / {busy['indexer']} "
            f"| {sum(cold.values())} |")
    return lines


def loads_table(loads: Sequence[Load], shown: int = 8) -> list[str]:
    """The most loaded resources at the peak, the first one first."""
    lines = ["| resource at the peak | demand | limit | use | setting that moves it |",
             "|---|---|---|---|---|"]
    for load in loads[:shown]:
        mark = " **saturated**" if load.utilisation >= 1 else ""
        lines.append(f"| {load.resource} | {load.demand:,.1f} {load.unit} | {load.capacity:,.0f} "
                     f"| {load.utilisation:.0%}{mark} | `{load.setting}` |")
    return lines


def parameter_lines(model: Model, measured_from: str) -> list[str]:
    """The service times and counts the runs used, and where they came from."""
    ingest, render, indexer, stream = model.ingest, model.render, model.indexer, model.stream
    return [
        f"Service times and counts: {measured_from}.", "",
        "| parameter | value |", "|---|---|",
        f"| ingest, one warm message | {ingest.base_seconds:.3f} s + {ingest.seconds_per_mp:.4f} s"
        f" per MP; cold start {ingest.cold_start_seconds:.2f} s; batch {ingest.batch_size} |",
        f"| render, one warm message | {render.base_seconds:.3f} s + {render.seconds_per_mp:.4f} s"
        f" per MP; cold start {render.cold_start_seconds:.2f} s; batch {render.batch_size} |",
        f"| render messages per upload | {model.renders_per_upload} |",
        f"| indexer, one batch | {indexer.base_seconds:.3f} s + {stream.seconds_per_record:.4f} s "
        f"per record; cold start {indexer.cold_start_seconds:.2f} s; up to {stream.batch_size} |",
        f"| stream records per upload | {stream.records_per_upload} |",
        f"| DynamoDB write units per upload | {model.write_units_per_upload:.0f} |",
        f"| DynamoDB read units per upload | {model.read_units_per_upload:.1f} |",
        f"| S3 writes per upload | {model.s3_puts_per_upload:.1f} |",
        f"| SQS scaling | {model.sqs.initial} pollers, +{model.sqs.added_per_minute} a minute, "
        f"idle environments kept {model.sqs.idle_reclaim_seconds:.0f} s |",
        f"| search cluster | {model.search.index_docs_per_second_per_node:.0f} docs/s and "
        f"{model.search.queries_per_second_per_node:.0f} queries/s a node, refresh "
        f"{model.search.refresh_seconds:g} s |",
        f"| an image view | {model.views.api_calls_per_view:g} API calls, "
        f"{model.views.edge_requests_per_view:.1f} edge requests, "
        f"{model.views.bytes_per_view / 1000:.0f} KB from the edge |",
    ]


def cost_lines(lines: Sequence[Line], options: Sequence[Option]) -> list[str]:
    """The month's bill by service and the cheaper settings."""
    total = sum(line.usd for line in lines)
    table = ["| service, a month | USD | from |", "|---|---|---|"]
    table += [f"| {line.service} | {line.usd:,.2f} | {line.how} |" for line in lines]
    table.append(f"| **total** | **{total:,.0f}** | |")
    table += ["", *[f"- {option.setting}: {option.usd:,.2f} in place of {option.replaces}"
                    f" ({option.note})" for option in options]]
    return table


def sizing_table(rows: Sequence[tuple[str, Sizing, SearchCluster]]) -> list[str]:
    """The template's settings per size, as docs/scale.md and the README show them: each size's
    name, the model's sizing and the search domain it needs."""
    def cells(pick: Callable[[Sizing, SearchCluster], str]) -> str:
        return " | ".join(pick(sizing, nodes) for _, sizing, nodes in rows)

    lines = ["| parameter | " + " | ".join(name for name, _, _ in rows) + " |",
             "|---|" + "---|" * len(rows)]
    lines += [
        f"| `IngestMaximumConcurrency` | {cells(lambda s, n: str(s.ingest_cap))} |",
        f"| `RenderMaximumConcurrency` | {cells(lambda s, n: str(s.render_cap))} |",
        f"| `IndexerParallelization` | {cells(lambda s, n: str(s.parallelization))} |",
        f"| `ApiThrottleRate` / `ApiThrottleBurst` | "
        f"{cells(lambda s, n: f'{s.api_rate:,} / {s.api_burst:,}')} |",
        f"| `SearchInstanceCount` x `SearchInstanceType` | "
        f"{cells(lambda s, n: n.label())} |",
        f"| Lambda concurrency of the account (Service Quotas) | "
        f"{cells(lambda s, n: f'{s.account_concurrency:,}')} |",
    ]
    return lines

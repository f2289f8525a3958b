"""`python -m bench.scale`: every size, steady and with a burst, on the template's settings and
on the settings the model suggests; markdown on stdout (or JSON with --json)."""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
from typing import Any

from bench.scale import costs, measured, params, readme_costs, report, saturation
from bench.scale.pipeline import shards_for, simulate
from bench.scale.summary import Outcome, outcome


def arguments(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__)
    names = [size.name for size in params.SIZES]
    parser.add_argument("--size", choices=[*names, "all"], default="all")
    parser.add_argument("--json", action="store_true", help="numbers as JSON, not markdown")
    parser.add_argument("--readme", action="store_true",
                        help="only the README's per-10,000-uploads cost table")
    return parser.parse_args(argv)


def size_runs(model: params.Model, traffic: params.Traffic) -> dict[str, Any]:
    """Steady and burst runs on `model`, and on the caps the model suggests if they differ."""
    runs: list[tuple[str, Outcome]] = []
    shards = shards_for(model, traffic)
    sizing = saturation.suggested(model, traffic, shards)
    candidates = [("template defaults", model), (sizing.label(), saturation.apply(model, sizing))]
    for label, candidate in candidates:
        for burst in (False, True):
            name = f"{label}, {'peak + burst' if burst else 'peak'}"
            runs.append((name, outcome(simulate(candidate, traffic, burst))))
    bill, cheaper = costs.monthly(model, traffic)
    return {"traffic": traffic, "runs": runs, "search": costs.search_cluster(model, traffic),
            "loads": saturation.loads(model, traffic, shards), "sizing": sizing,
            "costs": bill, "options": cheaper}


def measured_model() -> tuple[params.Model, str]:
    """The template's settings with the committed measurements, where they exist."""
    model, sources = params.aws_defaults(), []
    if measured.MEASURED.exists():
        numbers = measured.load(measured.MEASURED)
        model = measured.model_from(numbers, model)
        sources.append(f"bench/scale/{measured.MEASURED.name} ({numbers['machine']['date']})")
    if measured.PAGE_WEIGHT.exists():
        pages = measured.load(measured.PAGE_WEIGHT)
        model = dataclasses.replace(model, views=measured.views_from(pages, model.views))
        sources.append(f"bench/scale/{measured.PAGE_WEIGHT.name} ({pages['machine']['date']})")
    return model, " and ".join(sources) or "the defaults in bench/scale/params.py (no measurement)"


def sizing_rows(model: params.Model
                ) -> list[tuple[str, saturation.Sizing, costs.SearchCluster]]:
    """Every size's suggested settings and search domain (no simulation needed)."""
    return [(size.name, saturation.suggested(model, size, shards_for(model, size)),
             costs.search_cluster(model, size)) for size in params.SIZES]


def markdown(model: params.Model, results: dict[str, dict[str, Any]], source: str) -> str:
    """The parameters, the settings per size, then every size's section."""
    lines: list[str] = [*report.parameter_lines(model, source), "",
                        "The template's settings each size needs:", "",
                        *report.sizing_table(sizing_rows(model)), ""]
    for name, result in results.items():
        traffic = result["traffic"]
        lines += [f"## {name}", "", *report.traffic_lines(model, traffic), "",
                  *report.runs_table(result["runs"]), "", *report.loads_table(result["loads"]), "",
                  *report.cost_lines(result["costs"], result["options"]), ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the chosen sizes and print what they answer."""
    args = arguments(argv)
    model, source = measured_model()
    if args.readme:
        print("\n".join(readme_costs.table(readme_costs.rows(model))))
        return 0
    started = time.perf_counter()
    chosen = [s for s in params.SIZES if args.size in ("all", s.name)]
    results = {size.name: size_runs(model, size) for size in chosen}
    if args.json:
        print(json.dumps({name: {**r, "traffic": dataclasses.asdict(r["traffic"]),
                                 "runs": [(n, dataclasses.asdict(o)) for n, o in r["runs"]],
                                 "loads": [dataclasses.asdict(x) | {"utilisation": x.utilisation}
                                           for x in r["loads"]],
                                 "sizing": dataclasses.asdict(r["sizing"]),
                                 "costs": [dataclasses.asdict(x) for x in r["costs"]],
                                 "options": [dataclasses.asdict(x) for x in r["options"]]}
                          for name, r in results.items()}, indent=1, default=str))
    else:
        print(markdown(model, results, source))
        print(f"\n(model run in {time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The cold-start benchmark's markdown: tables, the checks behind target 5, notes, verdicts."""

from __future__ import annotations

import json
import platform
import socket
from pathlib import Path
from typing import Any

from bench import coldstart_stats as stats

NOTES = [
    "Each number is the wall time a fresh `python` measured around its own imports (the "
    "interpreter's start-up, identical on both sides, is left out): median (min-max) over "
    "the rounds. A round runs (a), (b), (c) of one Lambda back to back, reversed every other "
    "round; one untimed warm-up of each script comes first.",
    "Each round starts the timed code at another stack depth (the same for every script of "
    "the round), sweeping one of CPython's 16 KiB frame chunks: a chunk is unmapped as soon "
    "as it empties, so a hot recursive call (regex parsing at import) that straddles a "
    "chunk's end pays an mmap and a munmap per call. Run from a script's top level, "
    "`import app` happened to sit there: 2,910 mmap and 2,683 munmap calls against 237 and "
    "16 for the dependencies alone (strace): +15-20 ms that another stack position (the "
    "Lambda runtime's, for one) may well not pay. This, and a shared 2-core machine, is "
    "why single rounds scatter (the 'share per round' column); the medians are what count.",
    "(a) imports, in load order, every third-party module left in `sys.modules` by that "
    "Lambda's cold path (found by running the path once beforehand); the standard library "
    "comes in only as they pull it. (b) imports `app` and then the same list with our own "
    "lazily imported modules in their places. So (b) - (a) is our modules, the standard "
    "library only they use, and their module-level work (the Chalice app and its decorators, "
    "Powertools' Logger and Metrics): what the target charges to our code.",
    "Neither (a) nor (b) makes boto3 clients or other objects: both are imports only, as "
    "the issue words the target. (c) is the real path (`import app`, then Services built, "
    "boto3 clients made, the Lambda's engine prepared) stopped before the first network call; "
    "(c) - (b) is the set-up a first invocation adds beyond imports.",
    "The cold path of each function: the API builds Services (bootstrap.services()); ingest "
    "and render also make the libvips engine and import pyvips; the indexer makes its "
    "OpenSearch client (opensearch-py, requests-aws4auth); the Cognito trigger only makes a "
    "cognito-idp client. 'api (search first)' is the API when its first request is a search.",
    "Environment: template.yaml's Globals (SEARCH_BACKEND=opensearch), .chalice/config.json's "
    "variables, each function's own, a Lambda-like AWS_REGION and dummy credentials, and no "
    "AWS_ENDPOINT_URL. Nothing touches the network.",
    "'no .pyc': infra/package.py vendors the dependencies with `--no-compile` and copies "
    "chalicelib without `__pycache__`, and /var/task is read-only, so in AWS every cold start "
    "compiles all of those modules. The child points the bytecode cache of everything outside "
    "the standard library at an empty folder to do the same here.",
    "Lambda runs Python 3.12 (this machine: Python {python}) on a CPU share set by the memory "
    "size; absolute times there differ, the ratios are what the target judges.",
]


def section(results: dict[str, Any]) -> str:
    """Item 5: per-Lambda table(s), the API's heavy-module check, where our time goes."""
    lambdas = results["lambdas"]
    lines = ["## 5. Cold start: each Lambda's own code against its dependencies' imports", ""]
    config = results["config"]
    if config["quick"]:
        lines += ["Quick run: two rounds, two Lambdas; the numbers mean little.", ""]
    lines += [f"Python {platform.python_version()} here (Lambda runs 3.12); fresh interpreters, "
              f"{config['rounds']} rounds with cached bytecode, {config['no_pyc_rounds']} "
              "without; method at the end of this section.", ""]
    lines += ["With cached bytecode (.pyc), ms:", "", *_table(lambdas, cached=True), ""]
    if any("no_pyc" in row for row in lambdas.values()):
        lines += ["No cached bytecode outside the standard library (a package built without "
                  "python3.12), ms:", "",
                  *_table(lambdas, cached=False), ""]
    lines += [_heavy_line(results["api_heavy_modules"]), ""]
    lines += ["Third-party packages each cold path loads:", ""]
    lines += [f"- {name}: {', '.join(row['third_party_packages'])}"
              for name, row in lambdas.items()]
    python = platform.python_version()
    lines += ["", *_where_time_goes(results), "### How item 5 is measured", "",
              *[f"- {n.format(python=python)}" for n in NOTES]]
    return "\n".join(lines) + "\n"


def _where_time_goes(results: dict[str, Any]) -> list[str]:
    runs = results["config"]["importtime_runs"]
    return [f"### Where our import time goes (`-X importtime`, everything any function loads, "
            f"median of {runs} runs at spread stack depths)", "",
            *_modules_table(results["top_own_modules"]), "",
            f"All our modules' own (self) time together: {results['own_self_ms']} ms "
            "(`-X importtime` inflates every figure a little).", ""]


def verdicts(results: dict[str, Any]) -> list[str]:
    """Target 5: the share with .pyc, the share as deployed, and the API's lazy imports."""
    lambdas = results["lambdas"]
    lines = [_share_line("", {n: r["own_share"] for n, r in lambdas.items()})]
    no_pyc = {n: r["no_pyc"]["own_share"] for n, r in lambdas.items() if "no_pyc" in r}
    if no_pyc:
        lines.append(_share_line(", with no .pyc", no_pyc))
    heavy = results["api_heavy_modules"]
    found = sorted(set(heavy["after_import_app"]) | set(heavy["after_first_call"] or []))
    verdict = "FAIL: " + ", ".join(found) if found else "PASS"
    lines.append(f"(5) api: none of {', '.join(heavy['checked'])} loaded by `import app` "
                 f"or by building Services: {verdict}")
    return lines


def _share_line(label: str, shares: dict[str, float]) -> str:
    worst, ok = stats.share_verdict(shares)
    each = ", ".join(f"{name} {_pct(share)}" for name, share in shares.items())
    return (f"(5) cold start{label}: own code adds {_pct(shares[worst])} at most ({worst}) to "
            f"its dependencies' import time (<= {stats.MAX_OWN_SHARE:.0%}; {each}): "
            f"{'PASS' if ok else 'FAIL'}")


def _table(lambdas: dict[str, dict[str, Any]], cached: bool) -> list[str]:
    header = ["Lambda (handler)", "third-party modules", "(a) dependencies", "(b) entry",
              "own share (b-a)/a", "share per round"]
    header.append("(c) first call" if cached else "compiling adds to (b)")
    rows = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for name, row in lambdas.items():
        numbers = row if cached else row.get("no_pyc")
        if numbers is None:
            continue
        share = numbers["paired_share"]
        cells = [f"{name} ({row['handler']})", str(row["third_party_modules"]),
                 _ms(numbers["deps_ms"]), _ms(numbers["entry_ms"]), _pct(numbers["own_share"]),
                 f"{_pct(share['min'])} to {_pct(share['max'])}"]
        compiling = numbers["entry_ms"]["median"] - row["entry_ms"]["median"]
        cells.append(_ms(row["first_call_ms"]) if cached else f"+{compiling:.0f} ms")
        rows.append("| " + " | ".join(cells) + " |")
    return rows


def _modules_table(modules: list[dict[str, Any]]) -> list[str]:
    rows = ["| our module | cumulative ms | of which our code | of which dependencies "
            "and stdlib |", "|---|---|---|---|"]
    for m in modules:
        rest = round(m["cumulative_ms"] - m["own_code_ms"], 2)
        rows.append(f"| {m['module']} | {m['cumulative_ms']} | {m['own_code_ms']} | {rest} |")
    return rows


def _heavy_line(heavy: dict[str, Any]) -> str:
    after_call = heavy["after_first_call"]
    call = "not checked" if after_call is None else (", ".join(after_call) or "none")
    return (f"The API's lazy imports: of {', '.join(heavy['checked'])}, loaded after "
            f"`import app`: {', '.join(heavy['after_import_app']) or 'none'}; after building "
            f"Services (a first non-search request): {call}.")


def _ms(row: dict[str, Any]) -> str:
    return f"{row['median']:.1f} ({row['min']:.1f}-{row['max']:.1f})"


def _pct(share: float) -> str:
    return f"{share:+.1%}"


def write(results: dict[str, Any], folder: Path) -> Path:
    """Save as `<UTC date>-<host>-coldstart.md` in `folder` (a rerun the same day replaces it)."""
    folder.mkdir(parents=True, exist_ok=True)
    machine = results["machine"]
    path = folder / f"{machine['date'][:10]}-{socket.gethostname()}-coldstart.md"
    lines = ["# Cold-start benchmark (issue 6, item 5)", ""]
    lines += [f"- {key}: {value}" for key, value in machine.items()]
    lines += ["", section(results), "## Targets (issue 6)", ""]
    lines += [f"- {line}" for line in verdicts(results)]
    lines += ["", "## Raw numbers", "", "```json", json.dumps(results, indent=1), "```", ""]
    path.write_text("\n".join(lines))
    return path

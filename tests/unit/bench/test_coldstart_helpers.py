"""Pure helpers of the cold-start benchmark: module kinds, import lists, -X importtime parsing,
shares, verdicts, the child scripts and the environment they get."""

from __future__ import annotations

import os
import py_compile
import subprocess
import sys
from importlib.util import cache_from_source
from pathlib import Path

import pytest

from bench import coldstart_probe as probe
from bench import coldstart_stats as stats
from infra.local import template

ROOT = Path(__file__).resolve().parents[3]


def test_given_module_names_when_classified_then_ours_stdlib_and_theirs_are_told_apart() -> None:
    assert stats.kind("app") == "own"
    assert stats.kind("chalicelib.adapters.aws") == "own"
    assert stats.kind("json.decoder") == "stdlib"
    assert stats.kind("_ssl") == "stdlib"
    assert stats.kind("botocore.client") == "third-party"


def _found() -> dict[str, list[str]]:
    # GIVEN what a discovery run saw: start-up modules, then the cold path's, in load order
    return {
        "startup": ["sys", "site", "_distutils_hack"],
        "after_import": [],
        "after_path": ["sys", "site", "_distutils_hack", "json", "chalice.app", "chalice",
                       "chalicelib.config", "chalicelib", "app", "requests.packages.urllib3",
                       "urllib3", "pyvips", "chalicelib.adapters.imaging.vips"],
        "importable": ["sys", "site", "_distutils_hack", "json", "chalice.app", "chalice",
                       "chalicelib.config", "chalicelib", "app", "urllib3", "pyvips",
                       "chalicelib.adapters.imaging.vips"],
    }


def test_given_a_discovery_when_listing_dependencies_then_only_importable_third_party() -> None:
    lists = stats.import_lists(_found())
    # THEN no start-up module, no stdlib, none of ours, no alias that cannot be imported
    assert lists.dependencies == ["chalice.app", "chalice", "urllib3", "pyvips"]


def test_given_a_discovery_when_listing_the_entry_then_app_first_and_ours_in_place() -> None:
    lists = stats.import_lists(_found())
    assert lists.entry == ["app", "chalice.app", "chalice", "chalicelib.config", "chalicelib",
                           "urllib3", "pyvips", "chalicelib.adapters.imaging.vips"]


def test_given_a_path_that_never_imported_app_when_listing_then_it_is_refused() -> None:
    found = _found()
    found["after_path"].remove("app")
    with pytest.raises(ValueError, match="app"):
        stats.import_lists(found)


REPORT = """import time: self [us] | cumulative | imported package
import time:       100 |        100 |       jwt.utils
import time:       400 |        500 |     jwt
import time:        50 |         50 |     chalicelib.auth.principal
import time:       200 |        750 |   chalicelib.auth
import time:      1000 |       1000 |   chalicelib.domain.model
import time:        10 |       1760 | app
import time:       300 |        300 | pyvips
"""


def test_given_an_importtime_report_when_parsed_then_our_time_excludes_their_modules() -> None:
    rows = {row.name: row for row in stats.parse_importtime(REPORT)}
    assert set(rows) == {"jwt.utils", "jwt", "chalicelib.auth.principal", "chalicelib.auth",
                         "chalicelib.domain.model", "app", "pyvips"}
    # chalicelib.auth: its own 200 + principal's 50, not jwt's 500
    assert rows["chalicelib.auth"].own_us == 250
    assert rows["chalicelib.auth"].cumulative_us == 750
    # app: 10 + auth's 250 + model's 1000
    assert rows["app"].own_us == 1260
    assert rows["pyvips"].own_us == 300


def test_given_several_reports_when_ranking_our_modules_then_medians_sorted_by_cumulative(
) -> None:
    slower = REPORT.replace("|       1760 | app", "|       2760 | app")
    runs = [stats.parse_importtime(text) for text in (REPORT, slower, slower)]
    top = stats.top_own(runs, count=2)
    assert [row["module"] for row in top] == ["app", "chalicelib.domain.model"]
    assert top[0]["cumulative_ms"] == 2.76  # median of 1.76, 2.76, 2.76
    assert top[0]["own_code_ms"] == 1.26
    assert stats.own_self_ms(runs) == 1.26  # 10 + 200 + 50 + 1000 us


def test_given_entry_and_dependency_times_when_sharing_then_it_is_b_minus_a_over_a() -> None:
    assert stats.own_share(125.0, 100.0) == 0.25
    assert stats.own_share(90.0, 100.0) == -0.1
    assert stats.paired_shares([110.0, 150.0], [100.0, 100.0]) == [0.1, 0.5]


def test_given_shares_when_judged_then_the_worst_names_the_verdict_and_25_percent_passes(
) -> None:
    assert stats.share_verdict({"api": 0.1, "ingest": 0.25}) == ("ingest", True)
    assert stats.share_verdict({"api": 0.26, "ingest": 0.25}) == ("api", False)


def test_given_loaded_modules_when_checking_heavy_ones_then_only_their_packages_count() -> None:
    modules = ["pyvips.enums", "PILlow_like", "json", "opensearchpy"]
    assert stats.heavy_loaded(modules, probe.HEAVY_MODULES) == ["opensearchpy", "pyvips"]


def test_given_rounds_when_spreading_depths_then_one_chunk_is_covered_evenly() -> None:
    depths = probe.depths(16)
    assert len(depths) == 16 and depths[0] == 0
    assert depths == sorted(set(depths))
    assert depths[-1] < probe.CHUNK_LEVELS <= depths[-1] + 2 * (depths[1] - depths[0])


def test_given_the_template_when_building_a_lambda_env_then_every_global_variable_is_set(
) -> None:
    # GIVEN the variables template.yaml's Globals give every function
    names = set(template.load(ROOT / "template.yaml").function_env)
    env = probe.lambda_env("api_handler")
    # THEN each one has a value, the engine is OpenSearch, nothing points at a local stack
    assert names <= set(env)
    assert env["SEARCH_BACKEND"] == "opensearch"
    assert "AWS_ENDPOINT_URL" not in env
    assert "CURSOR_SECRET" not in env and "CURSOR_SECRET_ARN" in probe.lambda_env("ingest")
    assert "ORIGIN_VERIFY_SECRET_ARN" in env
    assert "ORIGIN_VERIFY_SECRET_ARN" not in probe.lambda_env("ingest")
    assert "CDN_DISTRIBUTION_ID" in env and "CDN_DISTRIBUTION_ID" not in probe.lambda_env("ingest")


def _run(script: Path, folder: Path, depth: int = 0) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(folder)}
    return subprocess.run([sys.executable, str(script), str(depth)], env=env, cwd=folder,
                          capture_output=True, text=True, check=True)


def test_given_an_import_script_when_run_deep_then_it_imports_and_prints_two_times(
    tmp_path: Path,
) -> None:
    (tmp_path / "marker_mod.py").write_text("print('imported')\n")
    script = tmp_path / "timed.py"
    script.write_text(probe.import_script(["marker_mod", "json"]))
    lines = _run(script, tmp_path, depth=150).stdout.splitlines()
    assert lines[0] == "imported"
    wall, cpu = (float(x) for x in lines[1].split())
    assert wall > 0 and cpu >= 0


def test_given_stale_bytecode_when_the_no_pyc_hook_runs_then_the_source_is_compiled(
    tmp_path: Path,
) -> None:
    # GIVEN a module whose cached .pyc says "stale" while its source says "fresh"
    module, decoy = tmp_path / "cached_mod.py", tmp_path / "decoy.py"
    module.write_text("print('fresh')\n")
    decoy.write_text("print('stale')\n")  # same size, same mtime: the cache looks valid
    stamp = module.stat().st_mtime_ns
    os.utime(decoy, ns=(stamp, stamp))
    py_compile.compile(str(decoy), cfile=cache_from_source(str(module)))
    plain, hooked = tmp_path / "plain.py", tmp_path / "hooked.py"
    plain.write_text(probe.import_script(["cached_mod"]))
    hooked.write_text(probe.import_script(["cached_mod"], str(tmp_path / "none")))
    # WHEN imported normally, then with the hook; THEN only the hook reads the source
    assert _run(plain, tmp_path).stdout.startswith("stale")
    assert _run(hooked, tmp_path).stdout.startswith("fresh")

"""WANTED_* settings and INSIGHTS_TABLE: read into the domain's policy, wrong values refused."""

from __future__ import annotations

import pytest

from chalicelib import config
from chalicelib.domain.wanted import WantedPolicy


def test_defaults() -> None:
    settings = config.load({"RESOURCE_PREFIX": "p"})
    assert settings.limits.wanted == WantedPolicy()
    assert settings.limits.wanted.few_results == 3 and settings.limits.wanted.keep_days == 90
    assert settings.insights_table == "p-insights"


def test_each_setting_is_read() -> None:
    settings = config.load({
        "WANTED_FEW_RESULTS": "0", "WANTED_KEEP_DAYS": "30", "WANTED_MAX_QUERY_CHARS": "40",
        "WANTED_FLUSH_SECONDS": "2", "WANTED_FLUSH_ENTRIES": "9", "WANTED_MAX_BUFFERED": "99",
        "WANTED_TOP": "20", "WANTED_COUNTING": "off", "INSIGHTS_TABLE": "t",
    })
    assert settings.limits.wanted == WantedPolicy(0, 30, 40, 2, 9, 99, 20, counting=False)
    assert settings.insights_table == "t"


@pytest.mark.parametrize("env", [
    {"WANTED_FEW_RESULTS": "-1"}, {"WANTED_KEEP_DAYS": "0"}, {"WANTED_FLUSH_SECONDS": "0"},
    {"WANTED_MAX_BUFFERED": "0"}, {"WANTED_COUNTING": "maybe"},
])
def test_a_wrong_value_stops_the_start(env: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        config.load(env)

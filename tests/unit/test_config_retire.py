"""RETIRE_GRACE_HOURS: how long a profile flip's old renditions stay; read and checked."""

from __future__ import annotations

import pytest

from chalicelib import config


def test_the_default_is_a_day() -> None:
    assert config.load({}).limits.retire_grace_hours == 24


def test_it_is_read_and_zero_is_allowed() -> None:
    assert config.load({"RETIRE_GRACE_HOURS": "72"}).limits.retire_grace_hours == 72
    assert config.load({"RETIRE_GRACE_HOURS": "0"}).limits.retire_grace_hours == 0


@pytest.mark.parametrize("raw", ["-1", "soon"])
def test_a_wrong_value_stops_the_start(raw: str) -> None:
    with pytest.raises(ValueError):
        config.load({"RETIRE_GRACE_HOURS": raw})

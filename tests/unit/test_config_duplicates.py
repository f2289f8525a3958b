"""DUPLICATE_MAX_DISTANCE, DUPLICATE_BANDS, DUPLICATE_PROBE_RADIUS: read into
Limits.duplicates, validated."""

from __future__ import annotations

import pytest

from chalicelib import config
from chalicelib.domain.duplicates import DuplicatePolicy


def test_the_default_is_the_measured_policy() -> None:
    assert config.load({}).limits.duplicates == DuplicatePolicy()


def test_the_band_count_follows_the_distance_and_radius_unless_set() -> None:
    assert config.load({"DUPLICATE_MAX_DISTANCE": "3"}).limits.duplicates == DuplicatePolicy(
        3, 4, crop_distance=3)
    assert config.load({"DUPLICATE_MAX_DISTANCE": "9"}).limits.duplicates.bands == 8
    exact = config.load({"DUPLICATE_MAX_DISTANCE": "5", "DUPLICATE_PROBE_RADIUS": "0"})
    assert exact.limits.duplicates == DuplicatePolicy(5, 8, 0, crop_distance=5)
    chosen = config.load({"DUPLICATE_MAX_DISTANCE": "3", "DUPLICATE_BANDS": "16"})
    assert chosen.limits.duplicates == DuplicatePolicy(3, 16, crop_distance=3)


@pytest.mark.parametrize("env", [
    {"DUPLICATE_MAX_DISTANCE": "32"},  # no band count finds pairs 32 bits apart
    {"DUPLICATE_MAX_DISTANCE": "8", "DUPLICATE_BANDS": "4"},  # would miss pairs 8 apart
    {"DUPLICATE_MAX_DISTANCE": "4", "DUPLICATE_BANDS": "4", "DUPLICATE_PROBE_RADIUS": "0"},
    {"DUPLICATE_PROBE_RADIUS": "2"},  # 548 keys a lookup: not offered
    {"DUPLICATE_BANDS": "6"},  # does not divide 64 bits
])
def test_a_policy_that_would_miss_near_pairs_is_refused_at_start(env: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        config.load(env)


def test_duplicate_check_is_on_by_default_and_may_be_turned_off() -> None:
    assert config.load({}).limits.duplicates.check is True
    assert config.load({"DUPLICATE_CHECK": "off"}).limits.duplicates.check is False
    with pytest.raises(ValueError):
        config.load({"DUPLICATE_CHECK": "maybe"})


def test_crop_settings_are_read_and_checked() -> None:
    default = config.load({}).limits.duplicates
    assert (default.crops, default.crop_distance, default.lookup_crops) == (
        ("c94", "c88", "l95", "r95"), 7, False)
    chosen = config.load({"DUPLICATE_CROPS": "c90, l95", "DUPLICATE_CROP_DISTANCE": "5",
                          "DUPLICATE_CROP_LOOKUP": "all"}).limits.duplicates
    assert (chosen.crops, chosen.crop_distance, chosen.lookup_crops) == (
        ("c90", "l95"), 5, True)
    assert config.load({"DUPLICATE_CROPS": "none"}).limits.duplicates.crops == ()
    for bad in ({"DUPLICATE_CROPS": "z90"}, {"DUPLICATE_CROP_LOOKUP": "some"},
                {"DUPLICATE_CROP_DISTANCE": "8"}):
        with pytest.raises(ValueError):
            config.load(bad)

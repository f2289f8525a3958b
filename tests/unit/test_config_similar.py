"""SIMILAR_* settings: defaults, each variable, and a default past the maximum refused."""

from __future__ import annotations

import pytest

from chalicelib import config


def test_defaults_are_12_of_at_most_48_from_200_candidates_within_16_bits() -> None:
    search = config.load({}).limits.search
    assert (search.similar_per_page, search.similar_max_per_page) == (12, 48)
    assert (search.similar_candidates, search.similar_max_distance) == (200, 16)


def test_each_variable_is_read() -> None:
    search = config.load({"SIMILAR_PER_PAGE": "6", "SIMILAR_MAX_PER_PAGE": "24",
                          "SIMILAR_CANDIDATES": "50", "SIMILAR_MAX_DISTANCE": "10"}).limits.search
    assert (search.similar_per_page, search.similar_max_per_page) == (6, 24)
    assert (search.similar_candidates, search.similar_max_distance) == (50, 10)


@pytest.mark.parametrize("env", [{"SIMILAR_PER_PAGE": "60"}, {"SIMILAR_CANDIDATES": "0"}])
def test_wrong_values_are_refused(env: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        config.load(env)

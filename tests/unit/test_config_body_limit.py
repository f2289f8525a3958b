"""MAX_BODY_BYTES: the largest request body the API reads."""

from __future__ import annotations

from chalicelib import config
from chalicelib.domain.limits import Limits


def test_the_body_limit_is_a_setting_with_a_default() -> None:
    assert config.load({}).limits.max_body_bytes == Limits().max_body_bytes == 65_536
    assert config.load({"MAX_BODY_BYTES": "4096"}).limits.max_body_bytes == 4096

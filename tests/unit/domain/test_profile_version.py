"""A rendition profile's version: derived from its content, stable, and keys carry it."""

from __future__ import annotations

from dataclasses import replace
from unittest.mock import patch

import pytest

from chalicelib.domain import renditions
from chalicelib.domain.renditions import (
    RenditionSpec,
    image_id_of_rendition_key,
    profile_version,
    rendition_key,
)

BASE = (RenditionSpec("thumb", 200, "webp", 80), RenditionSpec("large", 2048, "jpeg", 85))


def test_the_version_is_short_hex_and_stable_across_calls_and_order() -> None:
    version = profile_version(BASE)
    assert len(version) == renditions.VERSION_DIGITS and int(version, 16) >= 0
    # the same content, listed in another order, is the same profile
    assert profile_version(tuple(reversed(BASE))) == version
    # a default written out is the same content
    assert profile_version((RenditionSpec("thumb", 200),)) == profile_version(
        (RenditionSpec("thumb", 200, "webp", 82),)
    )


@pytest.mark.parametrize("change", [
    {"name": "tiny"}, {"width": 201}, {"format": "png"}, {"quality": 81},
])
def test_each_field_of_a_rendition_changes_the_version(change: dict[str, object]) -> None:
    changed = (replace(BASE[0], **change), BASE[1])  # type: ignore[arg-type]
    assert profile_version(changed) != profile_version(BASE)


def test_adding_or_removing_a_rendition_changes_the_version() -> None:
    assert profile_version(BASE[:1]) != profile_version(BASE)
    assert profile_version((*BASE, RenditionSpec("small", 400))) != profile_version(BASE)


def test_a_change_of_encoder_settings_changes_the_version() -> None:
    before = profile_version(BASE)
    changed = {**renditions.ENCODER_SETTINGS, "webp": {"keep": "none", "effort": 6}}
    with patch.object(renditions, "ENCODER_SETTINGS", changed):
        profile_version.cache_clear()
        after = profile_version(BASE)
    profile_version.cache_clear()
    assert after != before
    assert profile_version(BASE) == before


def test_keys_carry_the_version_and_old_keys_stay_readable() -> None:
    spec = BASE[1]
    assert rendition_key("abc", spec, "v1") == "abc/v1/large.jpg"
    assert rendition_key("abc", spec) == "abc/large.jpg"  # before versions
    assert image_id_of_rendition_key("abc/v1/large.jpg") == "abc"
    assert image_id_of_rendition_key("abc/large.jpg") == "abc"

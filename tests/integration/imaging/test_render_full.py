"""VipsProcessor.render_full: the original at full size, upright, sRGB, 4:4:4 JPEG, no metadata."""

from __future__ import annotations

import pytest
import pyvips

from chalicelib.adapters.imaging.vips import VipsProcessor
from chalicelib.domain.errors import Rejected
from chalicelib.domain.renditions import FULL_QUALITY
from tests.images import factory, fmt_of, quirks

BUDGET = 30.0


def test_a_photo_with_every_kind_of_metadata_comes_out_whole_and_clean() -> None:
    original = quirks.jpeg_with_metadata()
    made = VipsProcessor().render_full(original, "jpeg", FULL_QUALITY, BUDGET)
    image = pyvips.Image.new_from_buffer(made.data, "")
    assert (made.width, made.height, made.format) == (image.width, image.height, "jpeg")
    assert (image.width, image.height, image.bands) == (160, 120, 3)
    assert not [f for f in image.get_fields() if f.split("-")[0] in ("exif", "xmp", "iptc")]
    assert not image.get_typeof("icc-profile-data")
    for marker in quirks.METADATA_MARKERS:
        assert marker not in made.data
    assert image.get("jpeg-chroma-subsample") == "4:4:4"


@pytest.mark.parametrize("orientation", [6, 8])
def test_a_turned_photo_comes_out_upright_at_its_full_size(orientation: int) -> None:
    made = VipsProcessor().render_full(factory.oriented_jpeg(orientation), "jpeg", 92, BUDGET)
    assert (made.width, made.height) == (300, 200)


def test_png_with_alpha_is_flattened_into_a_jpeg() -> None:
    png = factory.rgba_png()
    made = VipsProcessor().render_full(png, fmt_of(png), 92, BUDGET)
    assert made.data[:3] == b"\xff\xd8\xff"
    assert pyvips.Image.new_from_buffer(made.data, "").bands == 3


def test_bytes_that_are_not_the_named_format_are_refused() -> None:
    with pytest.raises(Rejected):
        VipsProcessor().render_full(factory.photo(64, 48, "png"), "jpeg", 92, BUDGET)

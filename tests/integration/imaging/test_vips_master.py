"""How ingest's decode picks its JPEG shrink-on-load, and that the shortcut keeps the picture."""

from __future__ import annotations

import pytest
import pyvips

from chalicelib.adapters.imaging.vips import VipsProcessor
from chalicelib.adapters.imaging.vips_master import jpeg_shrink, read_header
from chalicelib.domain.renditions import RenditionSpec, Size
from tests.images import factory, fmt_of


@pytest.mark.parametrize(
    ("stored", "target", "expected"),
    [
        (Size(6000, 4000), Size(2048, 1365), 2),  # 3000x2000 still covers 2048
        (Size(6000, 4000), Size(1080, 720), 4),
        (Size(6000, 4000), Size(400, 267), 8),  # never more than libjpeg's 1/8
        (Size(2725, 2225), Size(720, 588), 2),  # 681 px at 1/4 would be too few
        (Size(2048, 1365), Size(2048, 1365), 1),  # no shrink when the size is kept
        (Size(4000, 100), Size(2000, 50), 2),  # both sides must stay covered
        (Size(4000, 100), Size(1000, 25), 4),
    ],
)
def test_the_largest_shrink_that_still_covers_the_target_is_chosen(
    stored: Size, target: Size, expected: int
) -> None:
    assert jpeg_shrink(stored, target) == expected


def test_a_shrunk_on_load_master_matches_a_full_decode_resized() -> None:
    # GIVEN a 4000x3000 photo WHEN ingest makes a 1000 px master (decoded at 1/2)
    data = factory.photo(4000, 3000, "jpeg")
    master = pyvips.Image.new_from_buffer(VipsProcessor().make_master(
        data, fmt_of(data), 1000, 30).data, ""
    )
    full = pyvips.Image.new_from_buffer(data, "").resize(0.25)
    # THEN it is the same picture as a full-resolution decode resized (mean error < 2 levels)
    assert (master.width, master.height) == (1000, 750)
    assert (master - full).abs().avg() < 2.0


def test_the_header_reports_the_stored_size_and_orientation() -> None:
    header = read_header(factory.oriented_jpeg(6), "jpeg", 100_000_000, 30_000)
    assert header.orientation == 6
    assert header.upright == Size(header.stored.height, header.stored.width)
    assert header.transposed


@pytest.mark.parametrize("orientation", range(1, 9))
def test_a_shrunk_and_turned_jpeg_comes_out_upright(orientation: int) -> None:
    # GIVEN a JPEG stored turned, WHEN its master is a quarter of its size (decoded at 1/4)
    width = factory.DISPLAY_WIDTH // 4
    master = VipsProcessor().make_master(
        factory.oriented_jpeg(orientation), fmt_of(factory.oriented_jpeg(orientation)), width, 30
    )
    image = pyvips.Image.new_from_buffer(master.data, "")
    # THEN it has the displayed shape and red is still top-left, blue bottom-left
    assert (master.width, master.height) == (width, factory.DISPLAY_HEIGHT // 4)
    top_left = image.getpoint(width // 4, master.height // 4)
    bottom_left = image.getpoint(width // 4, master.height * 3 // 4)
    assert _near(top_left, factory.QUADRANTS["top_left"])
    assert _near(bottom_left, factory.QUADRANTS["bottom_left"])


def _near(actual: list[float], expected: tuple[int, ...]) -> bool:
    return all(abs(a - e) <= 40 for a, e in zip(actual, expected, strict=True))


def test_render_many_cuts_a_cascade_at_the_planned_sizes_in_the_asked_order() -> None:
    # GIVEN the in-memory master of a 3000x2000 photo, 2048 px wide
    vips = VipsProcessor()
    master = vips.make_master(
        factory.photo(3000, 2000), "jpeg", 2048, 30, store=False
    )
    specs = (RenditionSpec("thumb", 200), RenditionSpec("regular", 1080),
             RenditionSpec("small", 400, "jpeg", 80))  # fmt: skip
    # WHEN ingest cuts them itself
    made = vips.render_many(master, specs, 30)
    # THEN each has its planned size and format, in the order asked, with nothing stored
    assert master.data == b""
    assert [(e.width, e.height, e.format) for e in made] == [
        (200, 133, "webp"), (1080, 720, "webp"), (400, 267, "jpeg")]  # fmt: skip
    # AND a cascaded rendition is the same picture as one cut straight from the master
    direct = pyvips.Image.new_from_buffer(vips.render(
        vips.make_master(factory.photo(3000, 2000), "jpeg", 2048, 30).data, 200, "webp", 82, 30
    ).data, "")
    cascaded = pyvips.Image.new_from_buffer(made[0].data, "")
    assert (cascaded - direct).abs().avg() < 3.0


def test_render_many_keeps_alpha_through_the_cascade() -> None:
    master = VipsProcessor().make_master(
        factory.rgba_png(), fmt_of(factory.rgba_png()), 2048, 30, store=False
    )
    made = VipsProcessor().render_many(master, (RenditionSpec("t", 100, "png"),), 30)
    assert pyvips.Image.new_from_buffer(made[0].data, "").hasalpha()

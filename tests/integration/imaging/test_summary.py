"""VipsProcessor.summarize on real masters: dominant colour name and hex, and the BlurHash."""

from __future__ import annotations

import pytest
import pyvips

from chalicelib.adapters.imaging.blurhash import BASE83, base83, linear_to_srgb
from chalicelib.adapters.imaging.palette import PALETTE
from chalicelib.adapters.imaging.vips import VipsProcessor
from chalicelib.ports import Master
from tests.images import factory, fmt_of

BUDGET = 30.0
GREY = (128, 128, 128)


@pytest.fixture(scope="module")
def vips() -> VipsProcessor:
    return VipsProcessor()


def master(vips: VipsProcessor, data: bytes, width: int = 2048) -> Master:
    """A master as a render invocation sees it: read back from its stored TIFF."""
    made = vips.make_master(data, fmt_of(data), width, BUDGET)
    return Master(made.data, made.width, made.height)


def rgb_of(hex_colour: str) -> tuple[int, int, int]:
    return int(hex_colour[1:3], 16), int(hex_colour[3:5], 16), int(hex_colour[5:7], 16)


def close(actual: tuple[int, ...], expected: tuple[int, ...], tolerance: int) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


def dc_of(blurhash: str) -> tuple[int, int, int]:
    """The average colour a BlurHash carries in characters 2-5."""
    dc = sum(BASE83.index(ch) * 83 ** (3 - k) for k, ch in enumerate(blurhash[2:6]))
    return dc >> 16, dc >> 8 & 255, dc & 255


def linear_mean(tiff: bytes) -> tuple[int, ...]:
    """The mean colour of an image computed in linear light, back in 8-bit sRGB."""
    linear = pyvips.Image.new_from_buffer(tiff, "").colourspace("scrgb")
    return tuple(linear_to_srgb(linear.extract_band(band).avg()) for band in range(3))


def red_on_grey(red_share: float, width: int = 600, height: int = 400) -> bytes:
    """A grey wall with a red block covering `red_share` of the picture, as a JPEG."""
    wall = factory.solid(width, height, GREY)
    block = factory.solid(round(width * red_share), height, (210, 25, 35))
    return bytes(wall.insert(block, 0, 0).jpegsave_buffer(Q=90, keep="none"))


def test_given_a_mostly_red_picture_then_it_says_red_with_a_hex_close_to_it(
    vips: VipsProcessor,
) -> None:
    # GIVEN a JPEG that is 80 % red on a grey wall
    name, hex_colour, _ = vips.summarize(master(vips, red_on_grey(0.8)))

    # THEN the name is red and the hex is the red, give or take JPEG's chroma loss
    assert name == "red"
    assert close(rgb_of(hex_colour), (210, 25, 35), tolerance=12)


@pytest.mark.parametrize("red_share, expected", [(0.25, "gray"), (0.45, "red")])
def test_given_a_red_block_on_a_grey_wall_then_red_needs_a_substantial_share(
    vips: VipsProcessor, red_share: float, expected: str
) -> None:
    name, _, _ = vips.summarize(master(vips, red_on_grey(red_share)))

    assert name == expected


def test_given_a_photo_then_the_hash_is_a_valid_4x3_blurhash_of_its_average(
    vips: VipsProcessor,
) -> None:
    # GIVEN a photo-like 1600x1200 JPEG and its 1024 px master
    data = master(vips, factory.photo(1600, 1200), width=1024)

    name, hex_colour, blurhash = vips.summarize(data)

    # THEN a 4x3 hash: 28 base-83 characters, "L" for the component counts...
    assert len(blurhash) == 28
    assert blurhash[0] == "L" == base83((4 - 1) + (3 - 1) * 9, 1)
    assert set(blurhash) <= set(BASE83)
    # ...whose DC is the picture's average colour, averaged in linear light (scRGB)
    assert close(dc_of(blurhash), linear_mean(data.data), tolerance=3)
    assert name in PALETTE
    assert hex_colour.startswith("#") and len(hex_colour) == 7


def test_given_a_half_transparent_red_then_alpha_is_flattened_on_white(
    vips: VipsProcessor,
) -> None:
    # GIVEN red on the left half, fully transparent on the right
    name, hex_colour, blurhash = vips.summarize(master(vips, factory.rgba_png()))

    # THEN red still wins, and the placeholder's average mixes red with white, not black
    assert (name, hex_colour) == ("red", "#ff0000")
    assert close(dc_of(blurhash), (255, 188, 188), tolerance=4)


def test_given_a_grey_photo_then_it_is_a_neutral_word(vips: VipsProcessor) -> None:
    name, hex_colour, _ = vips.summarize(master(vips, factory.grey_jpeg()))

    r, g, b = rgb_of(hex_colour)
    assert name in ("black", "gray", "white")
    assert r == g == b


def test_given_a_tiny_master_then_it_is_not_enlarged_and_still_summarised(
    vips: VipsProcessor,
) -> None:
    # GIVEN a 3x2 blue master (smaller than both samples)
    tiny = factory.solid(3, 2, (20, 60, 200)).tiffsave_buffer(keep="none")

    name, hex_colour, blurhash = vips.summarize(Master(bytes(tiny), 3, 2))

    assert (name, hex_colour) == ("blue", "#143cc8")
    assert blurhash[2:6] == base83(20 << 16 | 60 << 8 | 200, 4)


def test_the_in_memory_master_and_its_stored_tiff_give_the_same_summary(
    vips: VipsProcessor,
) -> None:
    # GIVEN the master as ingest holds it in memory, and the same read back from its TIFF
    made = vips.make_master(
        factory.photo(1600, 1200), "jpeg", 1024, BUDGET
    )
    stored = Master(made.data, made.width, made.height)
    # THEN both summaries agree
    assert made.pixels is not None
    assert vips.summarize(made) == vips.summarize(stored)

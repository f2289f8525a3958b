"""The fixtures are honest: what the factory calls valid decodes, what it calls broken fails."""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable
from functools import partial

import pytest
import pyvips
from PIL import Image, ImageOps

from chalicelib.adapters.imaging.perceptual import of_image
from chalicelib.domain.duplicates import DuplicatePolicy, hamming
from tests.images import factory as f

Maker = Callable[[], bytes]


def decode(data: bytes) -> pyvips.Image:
    """Decode fully, the way ingest will: auto-rotated, failing on truncation."""
    return pyvips.Image.thumbnail_buffer(
        data, 4096, height=4096, size="down", option_string="fail_on=truncated"
    ).copy_memory()


BAD_EXIF = ("offset", "loop", "count", "garbage", "truncated")
DECODABLE: dict[str, Maker] = {
    "photo jpeg": f.photo,
    "photo png": lambda: f.photo(64, 48, "png"),
    "photo webp": lambda: f.photo(64, 48, "webp"),
    "progressive": f.progressive_jpeg,
    "lossless webp": f.webp_lossless,
    "16-bit png": f.png16,
    "16-bit png alpha": lambda: f.png16(alpha=True),
    "grey16": f.grey16_png,
    "palette": f.palette_png_with_transparency,
    "rgba png": f.rgba_png,
    "rgba webp": f.rgba_webp,
    "grey jpeg": f.grey_jpeg,
    "extraneous bytes": f.jpeg_with_extraneous_bytes,
    "100 KB extraneous": lambda: f.jpeg_with_extraneous_bytes(100_000),
    "fill bytes": f.jpeg_with_fill_bytes,
    "odd app markers": f.jpeg_with_odd_app_markers,
    **{f"bad exif {kind}": partial(f.jpeg_with_bad_exif, kind) for kind in BAD_EXIF},
    "large exif": f.jpeg_with_large_exif,
    "large header": f.jpeg_with_large_header,
    "metadata": f.jpeg_with_metadata,
    "zip polyglot": f.jpeg_zip_polyglot,
    "html polyglot": f.jpeg_html_polyglot,
    "webp exif flag, no chunk": f.webp_exif_flag_without_chunk,
    "strip": f.strip_png,
    "tiff II": f.tiff,
    "tiff MM": lambda: f.tiff(big_endian=True),
    "avif": f.avif_header,
    # No SVG here: librsvg is an untrusted loader, blocked process-wide once the engine
    # has run (pyvips.block_untrusted_set), so the check would depend on test order.
}


@pytest.mark.parametrize("make", DECODABLE.values(), ids=DECODABLE.keys())
def test_given_a_valid_fixture_when_decoded_by_libvips_then_it_succeeds(make: Maker) -> None:
    image = decode(make())

    assert image.width > 0 and image.height > 0


BROKEN: dict[str, Maker] = {
    "truncated jpeg": lambda: f.truncated(f.photo(640, 480)),
    "truncated png": lambda: f.truncated(f.photo(320, 240, "png")),
    "truncated webp": lambda: f.truncated(f.photo(320, 240, "webp")),
    "bad idat": f.png_bad_idat,
    "jpeg without sof": f.jpeg_without_sof,
    "jpeg segment length 0": lambda: f.jpeg_with_segment_length(0),
    "webp chunk past riff": lambda: f.webp_with_chunk_size(10**6),
}


@pytest.mark.parametrize("make", BROKEN.values(), ids=BROKEN.keys())
def test_given_a_broken_fixture_when_decoded_by_libvips_then_it_fails(make: Maker) -> None:
    with pytest.raises(pyvips.Error):
        decode(make())


def test_given_bomb_fixtures_then_libvips_reads_the_declared_sizes_from_their_headers() -> None:
    png_bomb = pyvips.Image.new_from_buffer(f.png_bomb(20_000, 20_000), "")
    jpeg_bomb = pyvips.Image.new_from_buffer(f.jpeg_bomb(60_000, 50_000), "")

    assert (png_bomb.width, png_bomb.height) == (20_000, 20_000)
    assert (jpeg_bomb.width, jpeg_bomb.height) == (60_000, 50_000)


def quadrant_colours(rgb: Callable[[int, int], tuple[int, ...]]) -> dict[str, tuple[int, ...]]:
    """The colour at the centre of each quadrant of the 300x200 displayed picture."""
    centres = {"top_left": (75, 50), "top_right": (225, 50)}
    centres |= {"bottom_left": (75, 150), "bottom_right": (225, 150)}
    return {name: rgb(x, y) for name, (x, y) in centres.items()}


def close(seen: tuple[int, ...], expected: tuple[int, ...]) -> bool:
    return all(abs(a - b) <= 8 for a, b in zip(seen, expected, strict=True))


@pytest.mark.parametrize("orientation", range(9))
@pytest.mark.parametrize("make", [f.oriented_jpeg, f.oriented_png, f.oriented_webp], ids=str)
def test_given_an_oriented_fixture_when_libvips_rotates_it_then_red_is_top_left(
    make: Callable[[int], bytes], orientation: int
) -> None:
    image = decode(make(orientation))

    assert (image.width, image.height) == (f.DISPLAY_WIDTH, f.DISPLAY_HEIGHT)
    seen = quadrant_colours(lambda x, y: tuple(round(v) for v in image(x, y)))
    for name, expected in f.QUADRANTS.items():
        assert close(seen[name], expected), (name, seen[name])


@pytest.mark.parametrize("orientation", range(9))
def test_given_an_oriented_jpeg_when_pillow_transposes_it_then_the_same_picture(
    orientation: int,
) -> None:
    # A second, independent reader of the EXIF tag agrees with libvips.
    picture = ImageOps.exif_transpose(Image.open(io.BytesIO(f.oriented_jpeg(orientation))))

    assert picture.size == (f.DISPLAY_WIDTH, f.DISPLAY_HEIGHT)
    seen = quadrant_colours(lambda x, y: tuple(picture.getpixel((x, y))))  # type: ignore[arg-type]
    assert all(close(seen[name], colour) for name, colour in f.QUADRANTS.items()), seen


def test_given_the_metadata_fixture_then_libvips_sees_gps_xmp_iptc_and_icc() -> None:
    data = f.jpeg_with_metadata()
    image = pyvips.Image.new_from_buffer(data, "")
    fields = set(image.get_fields())

    assert {"exif-ifd3-GPSLatitude", "xmp-data", "iptc-data", "icc-profile-data"} <= fields
    assert all(marker in data for marker in f.METADATA_MARKERS)


@pytest.mark.parametrize("tagged", [False, True])
def test_given_the_cmyk_fixture_when_converted_to_srgb_then_it_is_red(tagged: bool) -> None:
    data = f.cmyk_jpeg(tagged=tagged)
    assert pyvips.Image.new_from_buffer(data, "").interpretation == "cmyk"

    red, green, blue = decode(data).colourspace("srgb")(32, 24)[:3]

    assert red > 180 and green < 80 and blue < 80


@pytest.mark.parametrize("make", [f.apng, f.animated_webp, f.animated_gif], ids=str)
def test_given_an_animation_fixture_then_pillow_counts_three_frames(make: Maker) -> None:
    assert getattr(Image.open(io.BytesIO(make())), "n_frames", 1) == 3


PIXEL_FORMATS: dict[str, tuple[Maker, str, int]] = {
    "16-bit png": (f.png16, "ushort", 3),
    "16-bit png alpha": (lambda: f.png16(alpha=True), "ushort", 4),
    "grey16": (f.grey16_png, "ushort", 1),
    "palette with tRNS": (f.palette_png_with_transparency, "uchar", 4),
    "rgba png": (f.rgba_png, "uchar", 4),
    "rgba webp": (f.rgba_webp, "uchar", 4),
    "grey jpeg": (f.grey_jpeg, "uchar", 1),
}


@pytest.mark.parametrize("make, sample, bands", PIXEL_FORMATS.values(), ids=PIXEL_FORMATS.keys())
def test_given_a_pixel_format_fixture_then_libvips_loads_that_format(
    make: Maker, sample: str, bands: int
) -> None:
    image = pyvips.Image.new_from_buffer(make(), "")

    assert (image.format, image.bands) == (sample, bands)


OTHER_FORMATS: dict[str, tuple[Maker, str]] = {
    "gif": (f.gif, "GIF"),
    "bmp": (f.bmp, "BMP"),
    "tiff": (f.tiff, "TIFF"),
    "tiff MM": (lambda: f.tiff(big_endian=True), "TIFF"),
    "ico": (f.ico, "ICO"),
    "psd": (f.psd_header, "PSD"),
    "eps": (f.eps, "EPS"),
    "eps dos": (f.eps_binary, "EPS"),
    "avif": (f.avif_header, "AVIF"),
}


@pytest.mark.parametrize("make, name", OTHER_FORMATS.values(), ids=OTHER_FORMATS.keys())
def test_given_another_format_fixture_then_pillow_recognises_it(make: Maker, name: str) -> None:
    assert Image.open(io.BytesIO(make())).format == name


@pytest.mark.parametrize("size", [(96, 72), (120, 80)], ids=["4:3", "3:2"])
def test_given_the_numbered_scenes_then_no_two_are_duplicates_to_the_hash_with_a_margin(
    size: tuple[int, int],
) -> None:
    # The end-to-end suites share one stack with the duplicate check on: every upload there
    # is a fresh_scene(), and that only works if the scenes really are different pictures.
    margin = 4
    hashes = {scene: of_image(f.photo_image(*size, scene)).phash for scene in range(1, f.SCENES)}
    too_close = [
        (a, b, hamming(hashes[a], hashes[b]))
        for a, b in itertools.combinations(hashes, 2)
        if hamming(hashes[a], hashes[b]) <= DuplicatePolicy().max_distance + margin
    ]
    assert not too_close


def test_given_fresh_scenes_then_each_is_new_and_within_the_checked_range() -> None:
    scenes = [f.fresh_scene() for _ in range(5)]
    assert len(set(scenes)) == 5 and all(1 <= scene < f.SCENES for scene in scenes)

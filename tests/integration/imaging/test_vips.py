"""VipsProcessor on real pixels: geometry, orientation, colour, metadata, hostile input, budget."""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import pyvips
from PIL import Image as PilImage

from chalicelib.adapters.imaging.vips import VipsProcessor
from chalicelib.domain.errors import ProcessingTimeout, Rejected
from chalicelib.domain.renditions import FORMATS, RenditionSpec, Size, fit_width
from tests.images import factory, fmt_of

BUDGET = 30.0
QUADRANT_CENTRES = {"top_left": (75, 50), "top_right": (225, 50),
                    "bottom_left": (75, 150), "bottom_right": (225, 150)}  # fmt: skip
# Byte strings that betray metadata in a file; none may survive into a rendition.
LEAKS = (b"Exif", b"GPS", b"http://ns.adobe.com/xap", b"Photoshop", b"ICC_PROFILE",
         *factory.METADATA_MARKERS)  # fmt: skip
METADATA_FIELDS = ("exif-data", "xmp-data", "iptc-data", "icc-profile-data")


@pytest.fixture
def vips() -> VipsProcessor:
    return VipsProcessor()


def _name(maker: Callable[..., bytes]) -> str:
    return maker.__name__


def decoded(data: bytes) -> pyvips.Image:
    """The pixels of an encoded master or rendition, computed in memory."""
    return pyvips.Image.new_from_buffer(data, "").copy_memory()


def pixel(image: pyvips.Image, x: int, y: int) -> list[int]:
    return [round(v) for v in image.getpoint(x, y)]


def close(actual: list[int], expected: tuple[int, ...], tolerance: int = 40) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


def master_of(vips: VipsProcessor, data: bytes, width: int = 2048) -> pyvips.Image:
    return decoded(vips.make_master(data, fmt_of(data), width, BUDGET).data)


# --- geometry ---------------------------------------------------------------------------


def test_master_is_shrunk_to_the_requested_width_keeping_the_aspect(vips: VipsProcessor) -> None:
    # GIVEN a 640x480 JPEG WHEN a 320 px master is made
    master = vips.make_master(
        factory.photo(640, 480, "jpeg"), "jpeg", 320, BUDGET
    )
    # THEN it is 320x240, and the stored bytes say so too
    image = decoded(master.data)
    assert (master.width, master.height) == (image.width, image.height) == (320, 240)


@pytest.mark.parametrize("fmt", FORMATS)
def test_master_is_never_upscaled(vips: VipsProcessor, fmt: str) -> None:
    # GIVEN a small picture WHEN a master wider than it is asked for THEN it keeps its size
    master = vips.make_master(
        factory.photo(160, 120, fmt), fmt_of(factory.photo(160, 120, fmt)), 2048, BUDGET
    )
    assert (master.width, master.height) == (160, 120)


@pytest.mark.parametrize(("width", "height", "target"), [(397, 1528, 87), (3139, 2189, 560)])
def test_master_size_is_the_planned_size_even_where_jpeg_shrink_on_load_rounds_differently(
    vips: VipsProcessor, width: int, height: int, target: int
) -> None:
    # GIVEN sizes where plain thumbnail_buffer lands one pixel off the domain's plan
    master = vips.make_master(
        factory.photo(width, height, "jpeg"), "jpeg", target, BUDGET
    )
    # THEN the master is exactly what fit_width planned
    assert Size(master.width, master.height) == fit_width(Size(width, height), target)


@pytest.mark.parametrize(("width", "expected"), [(200, (200, 150)), (5000, (640, 480))])
def test_render_fits_the_width_and_never_upscales(
    vips: VipsProcessor, width: int, expected: tuple[int, int]
) -> None:
    master = vips.make_master(
        factory.photo(640, 480, "png"), "png", 640, BUDGET
    )
    rendition = vips.render(master.data, width, "webp", 82, BUDGET)
    image = decoded(rendition.data)
    assert (rendition.width, rendition.height) == (image.width, image.height) == expected


# --- orientation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make", [factory.oriented_jpeg, factory.oriented_png, factory.oriented_webp], ids=_name
)
@pytest.mark.parametrize("orientation", range(9))
def test_every_exif_orientation_comes_out_upright(
    vips: VipsProcessor, make: Callable[[int], bytes], orientation: int
) -> None:
    # GIVEN pixels stored so that EXIF orientation N shows red top-left, green top-right...
    master = vips.make_master(make(orientation), fmt_of(make(orientation)), 2048, BUDGET)
    image = decoded(master.data)
    # THEN the master has the displayed size and each quadrant its displayed colour
    assert (master.width, master.height) == (factory.DISPLAY_WIDTH, factory.DISPLAY_HEIGHT)
    for name, (x, y) in QUADRANT_CENTRES.items():
        assert close(pixel(image, x, y), factory.QUADRANTS[name]), (name, pixel(image, x, y))


# --- colour -----------------------------------------------------------------------------


@pytest.mark.parametrize("tagged", [False, True])
def test_cmyk_comes_out_red_not_cyan(vips: VipsProcessor, tagged: bool) -> None:
    image = master_of(vips, factory.cmyk_jpeg(tagged=tagged))
    assert (image.bands, image.format, image.interpretation) == (3, "uchar", "srgb")
    red, green, blue = pixel(image, 10, 10)
    assert red > 180 and green < 80 and blue < 80


def test_a_display_p3_tagged_image_is_converted_to_srgb(vips: VipsProcessor) -> None:
    # GIVEN sRGB red stored as Display P3 numbers (about 234, 51, 34) with the P3 profile
    red = pyvips.Image.black(64, 48, bands=3).new_from_image([255, 0, 0])
    p3 = red.cast("uchar").copy(interpretation="srgb").icc_transform("p3")
    image = master_of(vips, bytes(p3.pngsave_buffer(keep="icc")))
    # THEN the master holds sRGB red again, and no profile
    assert close(pixel(image, 5, 5), (255, 0, 0), tolerance=8)
    assert not image.get_typeof("icc-profile-data")


@pytest.mark.parametrize("make", [factory.png16, factory.grey16_png, factory.grey_jpeg], ids=_name)
def test_deep_and_grey_images_become_8_bit_three_band_srgb(
    vips: VipsProcessor, make: Callable[[], bytes]
) -> None:
    image = master_of(vips, make())
    assert (image.bands, image.format, image.interpretation) == (3, "uchar", "srgb")
    assert image.max() > 100  # real content, not a 16-bit value clipped or shifted to black


def test_grey16_ramp_keeps_its_levels(vips: VipsProcessor) -> None:
    image = master_of(vips, factory.grey16_png())  # ramp 0..255 across 256 px
    assert close(pixel(image, 128, 16), (128, 128, 128), tolerance=3)
    assert close(pixel(image, 250, 16), (250, 250, 250), tolerance=3)


@pytest.mark.parametrize("make", [factory.rgba_png, factory.rgba_webp], ids=_name)
def test_alpha_is_kept_in_the_master_and_in_png_and_webp_renditions(
    vips: VipsProcessor, make: Callable[[], bytes]
) -> None:
    # GIVEN red, opaque on the left half and transparent on the right
    master = vips.make_master(make(), fmt_of(make()), 2048, BUDGET)
    for data in (master.data, *(vips.render(master.data, 32, f, 90, BUDGET).data
                                for f in ("png", "webp"))):  # fmt: skip
        image = decoded(data)
        assert image.bands == 4 and image.format == "uchar"
        assert pixel(image, 4, 4)[3] == 255 and pixel(image, image.width - 4, 4)[3] == 0
        assert close(pixel(image, 4, 4)[:3], factory.RED, tolerance=12)


def test_semi_transparent_colour_survives_the_render_resize(vips: VipsProcessor) -> None:
    # GIVEN red (220, 30, 30) at alpha 60, mastered at full size
    translucent = (pyvips.Image.black(300, 200, bands=3).linear(1, [220, 30, 30])).bandjoin(60)
    png = bytes(translucent.cast("uchar").copy(interpretation="srgb").pngsave_buffer())
    master = vips.make_master(png, fmt_of(png), 300, BUDGET)
    # WHEN it is shrunk 4x THEN the colour does not drift (8-bit premultiplied maths would
    # lose about 4 levels per resize at this alpha)
    image = decoded(vips.render(master.data, 75, "png", 90, BUDGET).data)
    assert close(pixel(image, 30, 20), (220, 30, 30, 60), tolerance=1)


def test_palette_with_transparency_becomes_rgba(vips: VipsProcessor) -> None:
    image = master_of(vips, factory.palette_png_with_transparency())
    assert (image.bands, image.format) == (4, "uchar")
    assert pixel(image, 16, 24) == [255, 0, 0, 255]
    assert pixel(image, 48, 12) == [0, 0, 255, 255]
    assert pixel(image, 48, 36)[3] == 0


def _rgba16_png() -> bytes:
    """16-bit red, alpha 65535 on the left half and 16384 on the right.

    Made here because factory.png16(alpha=True) currently stores alpha 255 of 65535
    (its ifthenelse constants are clipped to uchar).
    """
    left = pyvips.Image.xyz(96, 64)[0] < 48  # 255 or 0
    alpha = left / 255 * (65535 - 16384) + 16384
    colour = pyvips.Image.black(96, 64, bands=3).linear(1, [200 * 257, 30 * 257, 30 * 257])
    rgba = colour.bandjoin(alpha).cast("ushort").copy(interpretation="rgb16")
    return bytes(rgba.pngsave_buffer(bitdepth=16, keep="none"))


def test_sixteen_bit_alpha_is_scaled_not_clipped(vips: VipsProcessor) -> None:
    image = master_of(vips, _rgba16_png())
    assert (image.bands, image.format) == (4, "uchar")
    assert pixel(image, 4, 4) == [200, 30, 30, 255]
    assert abs(pixel(image, 90, 4)[3] - 64) <= 1
    assert close(pixel(image, 90, 4)[:3], (200, 30, 30), tolerance=4)


def test_jpeg_rendition_of_a_transparent_image_is_flattened_on_white(vips: VipsProcessor) -> None:
    master = vips.make_master(factory.rgba_png(), fmt_of(factory.rgba_png()), 2048, BUDGET)
    image = decoded(vips.render(master.data, 64, "jpeg", 90, BUDGET).data)
    assert image.bands == 3
    assert close(pixel(image, 60, 24), factory.WHITE, tolerance=6)
    assert close(pixel(image, 4, 24), factory.RED, tolerance=20)


# --- metadata and polyglots -------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_renditions_carry_no_metadata_at_all(vips: VipsProcessor, fmt: str) -> None:
    # GIVEN a JPEG with EXIF (GPS), XMP, IPTC and an ICC profile
    master = vips.make_master(
        factory.jpeg_with_metadata(), fmt_of(factory.jpeg_with_metadata()), 2048, BUDGET
    )
    rendition = vips.render(master.data, 120, fmt, 82, BUDGET).data
    # THEN neither the master nor the rendition holds any of it, by field or by bytes
    for data in (master.data, rendition):
        image = decoded(data)
        assert not [name for name in METADATA_FIELDS if name in image.get_fields()]
        assert not [leak for leak in LEAKS if leak in data]
        # the TIFF loader always reports an orientation; it must say "as stored"
        assert not image.get_typeof("orientation") or image.get("orientation") == 1


def _ends_cleanly(data: bytes, fmt: str) -> bool:
    """The file ends where its own format says it ends."""
    if fmt == "jpeg":
        return data.endswith(b"\xff\xd9")
    if fmt == "png":
        return data.endswith(b"IEND\xaeB`\x82")
    return int.from_bytes(data[4:8], "little") + 8 == len(data)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("polyglot", "payload"),
    [(factory.jpeg_zip_polyglot, b"PK\x03\x04"), (factory.jpeg_html_polyglot, b"<script>")],
    ids=["zip", "html"],
)
def test_polyglot_renditions_are_freshly_encoded(
    vips: VipsProcessor, polyglot: Callable[[], bytes], payload: bytes, fmt: str
) -> None:
    master = vips.make_master(polyglot(), fmt_of(polyglot()), 2048, BUDGET)
    rendition = vips.render(master.data, 64, fmt, 82, BUDGET).data
    assert payload not in master.data and payload not in rendition
    assert _ends_cleanly(rendition, fmt)


# --- broken, quirky and refused input ---------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda: factory.truncated(factory.photo(640, 480, "jpeg"), 0.5),
        lambda: factory.truncated(factory.progressive_jpeg(), 0.6),
        lambda: factory.truncated(factory.photo(640, 480, "png"), 0.5),
        lambda: factory.truncated(factory.photo(640, 480, "webp"), 0.7),
        factory.png_bad_idat,
        factory.png_bad_ihdr_crc,
        factory.jpeg_without_sof,
    ],
    ids=["jpeg", "progressive", "png", "webp", "bad-idat", "bad-ihdr-crc", "no-sof"],
)
def test_truncated_or_corrupt_input_is_rejected_not_half_grey(
    vips: VipsProcessor, make: Callable[[], bytes]
) -> None:
    with pytest.raises(Rejected) as caught:
        vips.make_master(make(), fmt_of(make()), 2048, BUDGET)
    assert caught.value.reason == "corrupt_image"


@pytest.mark.parametrize(
    "make",
    [
        factory.jpeg_with_extraneous_bytes,
        factory.jpeg_with_fill_bytes,
        factory.jpeg_with_odd_app_markers,
        factory.jpeg_with_large_exif,
        factory.jpeg_with_large_header,
        *(lambda kind=kind: factory.jpeg_with_bad_exif(kind)
          for kind in ("offset", "loop", "count", "garbage", "truncated")),
    ],
    ids=["extraneous", "fill", "odd-app", "large-exif", "large-header",
         "exif-offset", "exif-loop", "exif-count", "exif-garbage", "exif-truncated"],
)  # fmt: skip
def test_quirky_but_valid_jpegs_decode(vips: VipsProcessor, make: Callable[[], bytes]) -> None:
    master = vips.make_master(make(), fmt_of(make()), 2048, BUDGET)
    image = decoded(master.data)
    # 64x48 pictures, some of them rotated by their (odd) EXIF orientation
    assert sorted((image.width, image.height)) == [48, 64] and image.bands == 3
    assert image.avg() > 20  # decoded content, not an empty canvas


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (factory.png_bomb(), "too_many_pixels"),
        (factory.jpeg_bomb(), "too_many_pixels"),
        (factory.strip_png(), "too_many_pixels"),
    ],
    ids=["png-bomb", "jpeg-bomb", "strip"],
)
def test_what_ingest_should_have_refused_is_refused_here_too(
    vips: VipsProcessor, data: bytes, reason: str
) -> None:
    with pytest.raises(Rejected) as caught:
        vips.make_master(data, fmt_of(data), 2048, BUDGET)
    assert caught.value.reason == reason


@pytest.mark.parametrize("fmt", ["jpeg", "png", "webp"])
@pytest.mark.parametrize(
    "data",
    [factory.html(), factory.zip_file(), factory.gif(), factory.tiff()],
    ids=["html", "zip", "gif", "tiff"],
)
def test_bytes_are_decoded_only_by_the_loader_named_never_sniffed(
    vips: VipsProcessor, data: bytes, fmt: str
) -> None:
    # GIVEN bytes that are not the format ingest's probe named (a GIF libvips could read)
    # WHEN the processor is told that format THEN its loader refuses them: nothing guesses
    with pytest.raises(Rejected) as caught:
        vips.make_master(data, fmt, 2048, BUDGET)
    assert caught.value.reason == "corrupt_image"


@pytest.mark.parametrize("fmt", ["gif", "tiff", "svg"])
def test_a_format_outside_the_allow_list_is_unsupported(vips: VipsProcessor, fmt: str) -> None:
    with pytest.raises(Rejected) as caught:
        vips.make_master(factory.photo(64, 48, "png"), fmt, 2048, BUDGET)
    assert caught.value.reason == "unsupported_format"


@pytest.mark.parametrize("make", [factory.animated_webp, factory.apng], ids=_name)
def test_animated_input_yields_its_first_frame_only(
    vips: VipsProcessor, make: Callable[[], bytes]
) -> None:
    # GIVEN three 32x24 frames WHEN mastered THEN one 32x24 frame, not a 32x72 strip
    master = vips.make_master(make(), fmt_of(make()), 2048, BUDGET)
    assert (master.width, master.height) == (32, 24)


def test_an_unknown_rendition_format_is_a_programming_error(vips: VipsProcessor) -> None:
    master = vips.make_master(
        factory.photo(64, 48, "png"), "png", 64, BUDGET
    )
    with pytest.raises(ValueError):
        vips.render(master.data, 32, "gif", 82, BUDGET)


# --- fidelity ---------------------------------------------------------------------------


def _pillow_reference(data: bytes, size: tuple[int, int]) -> pyvips.Image:
    """The same picture resized by Pillow, an independent implementation."""
    with PilImage.open(io.BytesIO(data)) as original:
        small = original.convert("RGB").resize(size, PilImage.Resampling.LANCZOS)
    return pyvips.Image.new_from_memory(small.tobytes(), size[0], size[1], 3, "uchar")


@pytest.mark.parametrize(("fmt", "threshold"), [("png", 1.0), ("webp", 3.0), ("jpeg", 3.0)])
def test_rendition_matches_an_independent_resize(
    vips: VipsProcessor, fmt: str, threshold: float
) -> None:
    # GIVEN a lossless 960x720 original, mastered at 800 then rendered at 400
    original = factory.photo(960, 720, "png")
    master = vips.make_master(original, fmt_of(original), 800, BUDGET)
    rendition = decoded(vips.render(master.data, 400, fmt, 90, BUDGET).data)
    # THEN every channel is on average within a few levels of Pillow's direct resize
    reference = _pillow_reference(original, (400, 300))
    difference = (rendition.cast("int") - reference.cast("int")).abs()
    means = [difference[band].avg() for band in range(3)]
    assert max(means) < threshold, means


# --- time budget ------------------------------------------------------------------------


def frozen_clock() -> float:
    """A clock that never moves: the budget is never spent before pixel work starts, so only
    the watchdog, on real time, can stop a computation."""
    return 0.0


def test_a_tiny_budget_on_a_big_image_times_out(vips: VipsProcessor) -> None:
    big = factory.photo(4000, 3000, "jpeg")
    with pytest.raises(ProcessingTimeout):
        vips.make_master(big, fmt_of(big), 2048, 0.0001)


def test_budget_running_out_mid_decode_kills_the_computation() -> None:
    # GIVEN a decode of about a tenth of a second, started well inside its budget
    vips = VipsProcessor(clock=frozen_clock)
    big = factory.photo(6000, 4000, "jpeg")
    # WHEN the budget is a few ms THEN the watchdog stops libvips mid-decode
    with pytest.raises(ProcessingTimeout):
        vips.make_master(big, fmt_of(big), 6000, 0.005)


def test_budget_running_out_mid_encode_kills_the_render_and_the_master_lives_on() -> None:
    made = VipsProcessor().make_master(
        factory.photo(3000, 2000, "jpeg"), "jpeg", 3000, BUDGET
    )
    vips = VipsProcessor(clock=frozen_clock)
    with pytest.raises(ProcessingTimeout):
        vips.render(made.data, 3000, "webp", 82, 0.005)
    with pytest.raises(ProcessingTimeout):
        vips.render_many(made, [RenditionSpec("wide", 3000)], 0.005)
    # the in-memory master was not the killed image: it still renders within a real budget
    (again,) = vips.render_many(made, [RenditionSpec("wide", 3000)], BUDGET)
    assert (again.width, again.height) == (3000, 2000)


def test_a_generous_budget_on_the_same_clock_finishes() -> None:
    vips = VipsProcessor(clock=frozen_clock)
    master = vips.make_master(
        factory.photo(1600, 1200, "jpeg"), "jpeg", 1600, 1_000_000
    )
    assert (master.width, master.height) == (1600, 1200)


# --- packaging --------------------------------------------------------------------------


def test_importing_the_adapter_does_not_load_pyvips() -> None:
    # The API Lambda imports chalicelib without the imaging layer.
    code = "import sys, chalicelib.adapters.imaging.vips\nsys.exit('pyvips' in sys.modules)\n"
    root = Path(__file__).resolve().parents[3]
    done = subprocess.run([sys.executable, "-c", code], cwd=root, check=False)
    assert done.returncode == 0  # 1 would mean pyvips was imported, other codes a crash

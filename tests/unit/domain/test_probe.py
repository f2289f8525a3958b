"""The header-only probe: every fixture from the factory and its expected verdict."""

from __future__ import annotations

import inspect
from collections.abc import Callable

import pytest

from chalicelib.domain.errors import NeedMoreData, Rejected
from chalicelib.domain.probe import Header, probe
from tests.images import factory as f


def jpeg(width: int, height: int, orientation: int = 1) -> Header:
    return Header("jpeg", width, height, orientation, 1)


def png(width: int, height: int, orientation: int = 1, frames: int = 1) -> Header:
    return Header("png", width, height, orientation, frames)


def webp(width: int, height: int, orientation: int = 1, frames: int = 1) -> Header:
    return Header("webp", width, height, orientation, frames)


ACCEPTED: dict[str, tuple[Callable[[], bytes], Header]] = {
    "photo jpeg": (lambda: f.photo(640, 480), jpeg(640, 480)),
    "photo png": (lambda: f.photo(120, 90, "png"), png(120, 90)),
    "photo webp (VP8)": (lambda: f.photo(120, 90, "webp"), webp(120, 90)),
    "progressive jpeg (SOF2)": (f.progressive_jpeg, jpeg(320, 240)),
    "lossless webp (VP8L)": (f.webp_lossless, webp(160, 120)),
    "cmyk jpeg": (f.cmyk_jpeg, jpeg(64, 48)),
    "cmyk jpeg with 1 MB ICC": (lambda: f.cmyk_jpeg(tagged=True), jpeg(64, 48)),
    "16-bit png": (f.png16, png(96, 64)),
    "16-bit png with alpha": (lambda: f.png16(alpha=True), png(96, 64)),
    "16-bit grey png": (f.grey16_png, png(256, 32)),
    "palette png with tRNS": (f.palette_png_with_transparency, png(64, 48)),
    "rgba png": (f.rgba_png, png(64, 48)),
    "rgba webp (VP8X)": (f.rgba_webp, webp(64, 48)),
    "grey jpeg": (f.grey_jpeg, jpeg(120, 80)),
    "extraneous bytes": (f.jpeg_with_extraneous_bytes, jpeg(64, 48)),
    "fill bytes": (f.jpeg_with_fill_bytes, jpeg(64, 48)),
    "odd APP markers": (f.jpeg_with_odd_app_markers, jpeg(64, 48)),
    "EXIF offset past the block": (lambda: f.jpeg_with_bad_exif("offset"), jpeg(64, 48)),
    "EXIF links looping": (lambda: f.jpeg_with_bad_exif("loop"), jpeg(64, 48, 6)),
    "EXIF entry count too big": (lambda: f.jpeg_with_bad_exif("count"), jpeg(64, 48)),
    "EXIF garbage": (lambda: f.jpeg_with_bad_exif("garbage"), jpeg(64, 48)),
    "EXIF truncated": (lambda: f.jpeg_with_bad_exif("truncated"), jpeg(64, 48)),
    "60 KiB EXIF": (f.jpeg_with_large_exif, jpeg(64, 48, 6)),
    "200 KB of APP9 before SOF": (f.jpeg_with_large_header, jpeg(64, 48)),
    "EXIF, GPS, XMP, IPTC, ICC": (f.jpeg_with_metadata, jpeg(160, 120)),
    "big-endian EXIF": (lambda: f.oriented_jpeg(8, big_endian=True), jpeg(200, 300, 8)),
    "jpeg + zip": (f.jpeg_zip_polyglot, jpeg(64, 48)),
    "jpeg + html": (f.jpeg_html_polyglot, jpeg(64, 48)),
    # The header is all the probe judges: these pass here and fail at the limits or decoder.
    "png bomb": (f.png_bomb, png(20_000, 20_000)),
    "jpeg bomb": (f.jpeg_bomb, jpeg(60_000, 60_000)),
    "1 x 100,000 strip": (f.strip_png, png(1, 100_000)),
    "png with bad IDAT": (f.png_bad_idat, png(8, 8)),
    "jpeg cut in the scan": (lambda: f.truncated(f.photo(640, 480)), jpeg(640, 480)),
    "apng": (f.apng, png(32, 24, frames=3)),
    "animated webp": (f.animated_webp, webp(32, 24, frames=2)),
}


@pytest.mark.parametrize("make, expected", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_given_an_accepted_format_when_probed_then_the_header_is_read(
    make: Callable[[], bytes], expected: Header
) -> None:
    assert probe(make(), complete=True) == expected


@pytest.mark.parametrize("orientation", range(9))
@pytest.mark.parametrize("make", [f.oriented_jpeg, f.oriented_png, f.oriented_webp], ids=str)
def test_given_exif_orientation_when_probed_then_it_is_reported_with_stored_dims(
    make: Callable[[int], bytes], orientation: int
) -> None:
    header = probe(make(orientation), complete=True)

    # 0 is not a valid orientation and reads as 1; 5-8 are stored transposed.
    assert header.orientation == max(orientation, 1)
    transposed = orientation >= 5
    assert (header.width, header.height) == ((200, 300) if transposed else (300, 200))


REJECTED: dict[str, tuple[Callable[[], bytes], str]] = {
    "empty": (lambda: b"", "not_an_image"),
    "html": (f.html, "not_an_image"),
    "javascript": (f.javascript, "not_an_image"),
    "json": (f.json_text, "not_an_image"),
    "text": (f.text, "not_an_image"),
    "zip": (f.zip_file, "not_an_image"),
    "pdf": (f.pdf, "not_an_image"),
    "elf": (f.elf, "not_an_image"),
    "exe": (f.exe, "not_an_image"),
    "mp4": (f.mp4_header, "not_an_image"),
    "riff avi": (lambda: b"RIFF\x10\x00\x00\x00AVI LIST" + bytes(16), "not_an_image"),
    "jpeg without FF D8 FF": (lambda: b"\xff\xd8\x00" + f.photo(64, 48)[2:], "not_an_image"),
    "gif": (f.gif, "unsupported_format"),
    "animated gif": (f.animated_gif, "unsupported_format"),
    "bmp": (f.bmp, "unsupported_format"),
    "tiff II": (f.tiff, "unsupported_format"),
    "tiff MM": (lambda: f.tiff(big_endian=True), "unsupported_format"),
    "ico": (f.ico, "unsupported_format"),
    "psd": (f.psd_header, "unsupported_format"),
    "eps": (f.eps, "unsupported_format"),
    "eps dos header": (f.eps_binary, "unsupported_format"),
    "svg": (f.svg_with_script, "unsupported_format"),
    "svg after BOM, xml, comment, doctype": (f.svg_with_prologue, "unsupported_format"),
    "svg after blanks": (f.svg_with_leading_blanks, "unsupported_format"),
    "svg in utf-16": (f.svg_utf16, "unsupported_format"),
    "heic": (f.heic_header, "unsupported_format"),
    "avif": (f.avif_header, "unsupported_format"),
    "jpeg 2000": (f.jpeg2000_header, "unsupported_format"),
    "jpeg xl": (f.jpegxl_header, "unsupported_format"),
    "png IHDR CRC": (f.png_bad_ihdr_crc, "corrupt_image"),
    "png without IHDR": (f.png_without_ihdr, "corrupt_image"),
    "png zero width": (lambda: f.png_with_ihdr(0, 10), "corrupt_image"),
    "png zero height": (lambda: f.png_with_ihdr(10, 0), "corrupt_image"),
    "png 16-bit palette": (lambda: f.png_with_ihdr(8, 8, depth=16, colour=3), "corrupt_image"),
    "png 3-bit grey": (lambda: f.png_with_ihdr(8, 8, depth=3, colour=0), "corrupt_image"),
    "png unknown colour type": (lambda: f.png_with_ihdr(8, 8, colour=5), "corrupt_image"),
    "png damaged signature": (f.png_damaged_signature, "corrupt_image"),
    "png cut in IHDR": (lambda: f.rgba_png()[:20], "corrupt_image"),
    "png cut before IDAT": (lambda: f.png16()[:40], "corrupt_image"),
    "jpeg without SOF": (f.jpeg_without_sof, "corrupt_image"),
    "jpeg segment length 0": (lambda: f.jpeg_with_segment_length(0), "corrupt_image"),
    "jpeg segment length 1": (lambda: f.jpeg_with_segment_length(1), "corrupt_image"),
    "jpeg segment past the end": (lambda: f.jpeg_with_segment_length(65535), "corrupt_image"),
    "jpeg zero height": (lambda: f.jpeg_bomb(64, 0), "corrupt_image"),
    "jpeg zero width": (lambda: f.jpeg_bomb(0, 64), "corrupt_image"),
    "jpeg SOI then EOI": (lambda: b"\xff\xd8\xff\xd9", "corrupt_image"),
    "jpeg cut before SOF": (lambda: f.photo(64, 48)[:100], "corrupt_image"),
    "jpeg of fill bytes": (lambda: b"\xff\xd8" + b"\xff" * 5000, "corrupt_image"),
    "20,000 JPEG segments before the scan": (f.jpeg_with_many_segments, "corrupt_image"),
    "20,000 PNG chunks before IDAT": (f.png_with_many_chunks, "corrupt_image"),
    "webp chunk past RIFF end": (lambda: f.webp_with_chunk_size(10**6), "corrupt_image"),
    "webp cut in VP8 header": (lambda: f.photo(64, 48, "webp")[:25], "corrupt_image"),
    "webp RIFF longer than file": (lambda: f.truncated(f.photo(64, 48, "webp")), "corrupt_image"),
    "webp unknown first chunk": (lambda: f.webp_with_first_chunk(b"ALPH"), "corrupt_image"),
    "webp VP8 not a key frame": (f.webp_vp8_interframe, "corrupt_image"),
    "webp VP8L bad signature": (f.webp_vp8l_bad_signature, "corrupt_image"),
}


@pytest.mark.parametrize("make, reason", REJECTED.values(), ids=REJECTED.keys())
def test_given_bytes_that_are_no_usable_image_when_probed_then_rejected_with_reason(
    make: Callable[[], bytes], reason: str
) -> None:
    with pytest.raises(Rejected) as caught:
        probe(make(), complete=True)

    assert caught.value.reason == reason


def test_given_any_bytes_when_probed_then_only_magic_bytes_decide() -> None:
    # The probe has no parameter for a file name or a declared content type.
    assert list(inspect.signature(probe).parameters) == ["data", "complete"]
    # A WebP and a PNG uploaded as "photo.jpg"/"image/jpeg" are still what their bytes say.
    assert probe(f.photo(32, 16, "webp"), complete=True).format == "webp"
    assert probe(f.photo(32, 16, "png"), complete=True).format == "png"


def test_given_a_huge_declared_png_when_probed_then_64_bytes_are_enough() -> None:
    # GIVEN a bomb header; WHEN only its first 64 bytes are available
    header = probe(f.png_bomb(400_000, 1_000)[:64], complete=False)

    # THEN the size is known without reading (or allocating for) any pixel data
    assert (header.width, header.height) == (400_000, 1_000)


def test_given_webp_with_exif_flag_but_no_exif_chunk_when_complete_then_upright() -> None:
    assert probe(f.webp_exif_flag_without_chunk(), complete=True) == webp(64, 48)


def test_given_png_exif_with_a_jpeg_style_prefix_when_probed_then_orientation_is_read() -> None:
    header = probe(f.oriented_png(3, exif_prefix=True), complete=True)

    assert header.orientation == 3


def test_given_a_short_prefix_when_incomplete_then_asks_for_the_signature_bytes() -> None:
    with pytest.raises(NeedMoreData) as caught:
        probe(b"\xff\xd8", complete=False)

    assert caught.value.at_least > 2

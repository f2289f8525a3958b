"""Camera tags through libvips: the allow-listed facts of a real EXIF block, nothing private,
and hostile EXIF giving no facts (never an error); every published file still stripped."""

from __future__ import annotations

import pytest
import pyvips

from chalicelib.adapters.imaging.vips import VipsProcessor
from chalicelib.adapters.imaging.vips_exif import camera_tags, raw_value
from chalicelib.domain.camera import TAGS, camera_from_exif
from chalicelib.domain.renditions import RenditionSpec
from tests.images import camera, quirks

BUDGET = 30.0


def test_given_a_full_camera_block_then_the_normalised_facts() -> None:
    tags = camera_tags(camera.camera_jpeg_cached(), "jpeg")
    assert set(tags) <= set(TAGS)
    found = camera_from_exif(tags)
    assert found is not None and found.as_json() == camera.EXPECTED


def test_given_a_big_endian_block_then_the_same_facts() -> None:
    data = camera.with_exif(camera.camera_jpeg_cached(), camera.camera_tiff(big_endian=True))
    found = camera_from_exif(camera_tags(data, "jpeg"))
    assert found is not None and found.as_json() == camera.EXPECTED


@pytest.mark.parametrize("fmt", ["webp", "png"])
def test_given_webp_or_png_carrying_the_block_then_the_same_facts(fmt: str) -> None:
    image = pyvips.Image.jpegload_buffer(camera.camera_jpeg_cached())
    data = getattr(image, f"{fmt}save_buffer")(keep="exif")  # an EXIF chunk / eXIf chunk
    found = camera_from_exif(camera_tags(data, fmt))
    assert found is not None and found.as_json() == camera.EXPECTED


def test_given_gps_serials_and_names_in_the_block_then_none_is_read() -> None:
    text = repr(camera_tags(camera.camera_jpeg_cached(), "jpeg"))
    assert not [m for m in camera.PRIVATE_MARKERS if m.decode() in text]
    assert "52/1" not in text  # the GPS latitude


def test_given_a_repeated_make_then_the_name_says_it_once() -> None:
    data = camera.camera_jpeg(model=b"Canon Canon EOS 5D", lens=b"Zoom (old) lens")
    found = camera_from_exif(camera_tags(data, "jpeg"))
    assert found is not None and (found.model, found.lens) == ("Canon EOS 5D", "Zoom (old) lens")


@pytest.mark.parametrize("kind", ["offset", "loop", "count", "garbage", "truncated"])
def test_given_hostile_exif_then_no_facts_and_no_error(kind: str) -> None:
    data = quirks.jpeg_with_bad_exif(kind)
    assert camera_from_exif(camera_tags(data, "jpeg")) is None


@pytest.mark.parametrize("data, fmt", [(b"not an image", "jpeg"), (b"", "png"), (b"x", "gif")])
def test_given_bytes_no_loader_reads_then_no_tags(data: bytes, fmt: str) -> None:
    assert camera_tags(data, fmt) == {}


def test_given_libvips_shown_values_then_the_raw_value_is_kept() -> None:
    assert raw_value("28/10 (f/2.8, Rational, 1 components, 8 bytes)") == "28/10"
    assert raw_value("A (B (A (B, ASCII, 4 components, 5 bytes)") == "A (B"
    assert raw_value("x" * 5000) == ""


def test_given_a_camera_photo_then_master_renditions_and_download_carry_no_metadata() -> None:
    data = camera.camera_jpeg_cached()
    engine = VipsProcessor()
    master = engine.make_master(data, "jpeg", 320, BUDGET)
    specs = [RenditionSpec("w160", 160, "webp", 80), RenditionSpec("w120", 120, "jpeg", 80)]
    made = [e.data for e in engine.render_many(master, specs, BUDGET)]
    made.append(engine.render_full(data, "jpeg", 85, BUDGET).data)
    for blob in (master.data, *made):
        assert not [m for m in (*camera.PRIVATE_MARKERS, b"Canon", b"Exif") if m in blob]

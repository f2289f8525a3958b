"""Helpers of the full-download quality benchmark: SSIM, chroma PSNR, JPEG header facts,
the upright sRGB decode, and the report's averaging and interpolation."""

from __future__ import annotations

import math
import random

import pytest

from bench import full_quality_metrics as metrics
from bench import full_quality_report as report

pyvips = pytest.importorskip("pyvips")


def _grey(rows: list[list[int]]) -> pyvips.Image:
    width, height = len(rows[0]), len(rows)
    data = bytes(value for row in rows for value in row)
    return pyvips.Image.new_from_memory(data, width, height, 1, "uchar")


def _random_rows(seed: int, width: int = 20, height: int = 16) -> list[list[int]]:
    rng = random.Random(seed)
    return [[rng.randrange(256) for _ in range(width)] for _ in range(height)]


def _noisy(rows: list[list[int]], amount: int, seed: int = 1) -> list[list[int]]:
    rng = random.Random(seed)
    return [[min(255, max(0, v + rng.randint(-amount, amount))) for v in row] for row in rows]


# --- SSIM -------------------------------------------------------------------------------------


def test_given_two_identical_images_when_ssim_then_it_is_exactly_one() -> None:
    image = _grey(_random_rows(3))
    assert metrics.ssim(image, image) == pytest.approx(1.0, abs=1e-12)
    rows = _random_rows(3)
    assert metrics.ssim_plain(rows, rows) == pytest.approx(1.0, abs=1e-12)


def test_given_noise_when_ssim_then_it_drops_below_one_and_more_noise_drops_it_further() -> None:
    rows = _random_rows(5)
    light, heavy = _grey(_noisy(rows, 10)), _grey(_noisy(rows, 60))
    original = _grey(rows)
    assert metrics.ssim(light, original) < 1.0
    assert metrics.ssim(heavy, original) < metrics.ssim(light, original)


def test_given_a_small_pair_when_ssim_then_pyvips_and_plain_python_agree() -> None:
    # GIVEN a random image and a noisy copy, 20 x 16 (60 full 11 x 11 windows)
    rows = _random_rows(7)
    noisy = _noisy(rows, 25)
    # WHEN / THEN: the pyvips arithmetic matches the textbook formula window by window
    assert metrics.ssim(_grey(noisy), _grey(rows)) == pytest.approx(
        metrics.ssim_plain(rows, noisy), abs=1e-9)


def test_given_rgb_images_when_ssim_then_only_luma_counts() -> None:
    # GIVEN two colours of equal BT.601 luma (swapping chroma, not brightness)
    base = pyvips.Image.black(16, 16, bands=3)
    grey = base.new_from_image([128, 128, 128])
    luma = 0.299 * 200 + 0.587 * 100  # 118.5 with blue 0...
    blue = round((128 - luma) / 0.114)  # ...and blue (83) brings it to 127.96
    tinted = base.new_from_image([200, 100, blue])
    assert metrics.luma(tinted).avg() == pytest.approx(128, abs=0.1)
    # WHEN / THEN: luma SSIM sees (almost) nothing; chroma PSNR sees the change
    assert metrics.ssim(tinted, grey) == pytest.approx(1.0, abs=1e-4)
    assert metrics.chroma_psnr(tinted, grey) < 30


def test_given_images_of_two_sizes_or_too_small_when_ssim_then_it_refuses() -> None:
    with pytest.raises(ValueError):
        metrics.ssim(_grey(_random_rows(1, 20, 16)), _grey(_random_rows(1, 16, 20)))
    with pytest.raises(ValueError):
        metrics.ssim(_grey(_random_rows(1, 10, 10)), _grey(_random_rows(1, 10, 10)))


def test_given_the_window_when_built_then_it_has_eleven_symmetric_taps_summing_to_one() -> None:
    taps = metrics.gaussian_taps()
    assert len(taps) == 11
    assert sum(taps) == pytest.approx(1.0)
    assert taps == pytest.approx(taps[::-1])
    assert metrics._window().width == 11


def test_given_grey_images_when_chroma_psnr_then_it_is_infinite() -> None:
    one = _grey(_random_rows(2)).colourspace("srgb")
    two = _grey(_noisy(_random_rows(2), 30)).colourspace("srgb")
    assert math.isinf(metrics.chroma_psnr(one, two))


# --- JPEG headers -------------------------------------------------------------------------------


def _photo(width: int = 64, height: int = 48) -> pyvips.Image:
    xyz = pyvips.Image.xyz(width, height)
    image = xyz[0].bandjoin([xyz[1], (xyz[0] + xyz[1]) / 2]) * 2
    return image.cast("uchar").copy(interpretation="srgb")


@pytest.mark.parametrize("quality", [60, 80, 88, 92, 95, 100])
def test_given_a_libvips_jpeg_when_estimating_quality_then_it_is_the_q_it_was_saved_at(
        quality: int) -> None:
    data = bytes(_photo().jpegsave_buffer(Q=quality, keep="none"))
    assert metrics.jpeg_facts(data).quality() == quality


def test_given_quality_50_when_scaling_annex_k_then_the_table_is_unchanged() -> None:
    assert metrics.ijg_table(50) == metrics.ANNEX_K_LUMA
    assert metrics.ijg_table(100) == (1,) * 64
    assert metrics.estimate_quality(metrics.ijg_table(73)) == 73


@pytest.mark.parametrize(("mode", "expected"), [("on", "4:2:0"), ("off", "4:4:4")])
def test_given_a_subsample_mode_when_saving_then_the_header_says_so(mode: str, expected: str
                                                                    ) -> None:
    data = bytes(_photo().jpegsave_buffer(Q=92, keep="none", subsample_mode=mode))
    facts = metrics.jpeg_facts(data)
    assert facts.subsampling == expected
    assert facts.frame == "baseline"


def test_given_keep_none_when_saving_then_no_metadata_segment_is_written() -> None:
    # GIVEN libvips' default save, which adds EXIF even to an image that had none
    default = metrics.jpeg_facts(bytes(_photo().jpegsave_buffer(Q=90)))
    stripped = metrics.jpeg_facts(bytes(_photo().jpegsave_buffer(Q=90, keep="none")))
    assert default.metadata_markers  # e.g. APP1
    assert stripped.metadata_markers == []
    assert stripped.markers[0] == metrics.SOI and stripped.markers[-1] == metrics.SOS


def test_given_progressive_and_grey_jpegs_when_reading_then_frame_and_sampling_follow() -> None:
    progressive = bytes(_photo().jpegsave_buffer(Q=80, interlace=True, keep="none"))
    grey = bytes(_photo().colourspace("b-w").jpegsave_buffer(Q=80, keep="none"))
    assert metrics.jpeg_facts(progressive).frame == "progressive"
    assert metrics.jpeg_facts(grey).subsampling == "grey"


def test_given_bytes_that_are_not_a_jpeg_when_reading_then_it_refuses() -> None:
    with pytest.raises(ValueError):
        metrics.jpeg_facts(b"\x89PNG\r\n\x1a\n")


# --- the full rendition's decode ---------------------------------------------------------------


def test_given_an_oriented_jpeg_when_decoding_for_full_then_it_is_upright_srgb_8bit() -> None:
    from bench.full_quality import upright_srgb8
    from tests.images import pictures

    # GIVEN a JPEG stored turned, with EXIF orientation 6 to show it upright
    image = upright_srgb8(pictures.oriented_jpeg(6))
    # THEN it is displayed size, 3 bands of uchar, red in the top-left quadrant
    assert (image.width, image.height) == (pictures.DISPLAY_WIDTH, pictures.DISPLAY_HEIGHT)
    assert (image.bands, image.format) == (3, "uchar")
    red, green, blue = image(10, 10)
    assert red > 200 and green < 60 and blue < 60


def test_given_a_shift_when_decoding_then_the_left_and_top_are_cut() -> None:
    from bench.full_quality import upright_srgb8

    data = bytes(_photo().jpegsave_buffer(Q=90, keep="none"))
    assert (upright_srgb8(data, 4).width, upright_srgb8(data, 4).height) == (60, 44)


# --- the report's arithmetic -------------------------------------------------------------------


def test_given_ratios_when_averaging_then_the_geometric_mean_is_used() -> None:
    assert report.geomean([0.5, 2.0]) == pytest.approx(1.0)
    assert report.mean_of([1.0, None, 3.0]) == 2.0
    assert report.mean_of([None]) is None


def test_given_a_rate_curve_when_asking_bytes_at_a_psnr_then_it_interpolates_in_log_bytes() -> None:
    curve = [(1000, 40.0), (4000, 44.0), (2000, 42.0)]
    assert report.bytes_at_psnr(curve, 42.0) == pytest.approx(2000)
    assert report.bytes_at_psnr(curve, 41.0) == pytest.approx(math.sqrt(1000 * 2000))
    assert report.bytes_at_psnr(curve, 39.0) is None
    assert report.bytes_at_psnr(curve, 45.0) is None


def test_given_two_photos_when_stepping_up_in_q_then_changes_are_averaged_per_photo() -> None:
    def row(size: int, psnr: float, ssim: float) -> dict[str, float]:
        return {"bytes": size, "psnr_db": psnr, "ssim": ssim}

    photos = [{"rows": {"Q90 4:4:4": row(100, 40.0, 0.98), "Q92 4:4:4": row(110, 41.0, 0.985)}},
              {"rows": {"Q90 4:4:4": row(200, 30.0, 0.90), "Q92 4:4:4": row(240, 33.0, 0.91)}}]
    (step,) = report.steps(photos, "4:4:4")
    assert step["step"] == "Q90 -> Q92"
    assert step["bytes_pct"] == pytest.approx(15.0)  # mean of +10% and +20%
    assert step["bytes_pct_per_q"] == pytest.approx(7.5)
    assert step["psnr_db"] == pytest.approx(2.0)
    assert step["pct_per_db"] == pytest.approx(7.5)
    assert step["ssim"] == pytest.approx(0.0075)

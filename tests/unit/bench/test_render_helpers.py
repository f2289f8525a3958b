"""Pure helpers of the render benchmark: PSNR maths, crop geometry, spread and verdicts."""

from __future__ import annotations

import math

import pytest

from bench.render_inputs import centre_crop_box, mse_to_psnr, psnr
from bench.render_stats import op_verdict, set_verdict, spread


def test_given_mse_of_one_when_psnr_then_it_is_the_peak_in_decibels() -> None:
    # 10*log10(255^2 / 1) = 48.13 dB; a 10x larger error costs exactly 10 dB.
    assert mse_to_psnr(1.0) == pytest.approx(48.1308, abs=1e-4)
    assert mse_to_psnr(10.0) == pytest.approx(mse_to_psnr(1.0) - 10)


def test_given_identical_images_when_psnr_then_infinite() -> None:
    assert mse_to_psnr(0.0) == math.inf


def test_given_images_off_by_a_known_amount_when_psnr_then_it_matches_the_formula() -> None:
    # GIVEN two flat 8-bit images 4 levels apart on every band (so the MSE is 16)
    pyvips = pytest.importorskip("pyvips")
    base = (pyvips.Image.black(8, 8, bands=3) + 100).cast("uchar")
    off = (base + 4).cast("uchar")
    # WHEN / THEN: the PSNR is 10*log10(255^2/16), whichever image is the reference
    expected = 10 * math.log10(255**2 / 16)
    assert psnr(off, base) == pytest.approx(expected)
    assert psnr(base, off) == pytest.approx(expected)


def test_given_a_wider_source_when_cropping_to_an_aspect_then_the_sides_are_cut_evenly() -> None:
    left, top, width, height = centre_crop_box(640, 427, 2725 / 2225)
    assert (top, height) == (0, 427)
    assert width == round(427 * 2725 / 2225)
    assert left == (640 - width) // 2


def test_given_a_taller_source_when_cropping_then_top_and_bottom_are_cut() -> None:
    left, top, width, height = centre_crop_box(512, 512, 1.5)
    assert (left, width, height) == (0, 512, 341)
    assert top == (512 - 341) // 2


def test_given_samples_when_spread_then_median_and_range_are_reported() -> None:
    row = spread([10.0, 12.0, 11.0, 30.0])
    assert (row["n"], row["median"], row["min"], row["max"]) == (4, 11.5, 10.0, 30.0)
    assert row["spread_pct"] == pytest.approx(round(100 * 20 / 11.5, 1))


def test_given_target_one_when_judging_then_speed_quality_and_size_all_count() -> None:
    assert op_verdict(1.02, -0.1, 2.0)
    assert op_verdict(1.0, +1.5, -2.9)  # better quality than sharp is never a failure
    assert not op_verdict(0.99, 0.0, 0.0)
    assert not op_verdict(1.2, -0.3, 0.0)
    assert not op_verdict(1.2, 0.0, 3.5)


def test_given_target_two_when_judging_then_the_cpu_ratio_limit_is_0_72() -> None:
    assert set_verdict(0.72) and not set_verdict(0.73)

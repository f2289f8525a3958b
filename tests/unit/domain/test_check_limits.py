"""check_limits: pixel and side limits from the header, and the no-animation policy."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from chalicelib.config import Limits
from chalicelib.domain.errors import Rejected
from chalicelib.domain.probe import Header, check_limits, probe
from tests.images import factory as f

LIMITS = Limits()  # 100 MP, 30,000 px a side


def check(header: Header) -> None:
    check_limits(header, max_pixels=LIMITS.max_pixels, max_side=LIMITS.max_side)


def still(width: int, height: int) -> Header:
    return Header("jpeg", width, height, 1, 1)


OVER: dict[str, tuple[Callable[[], bytes], str]] = {
    "png bomb 20k x 20k": (f.png_bomb, "too_many_pixels"),
    "png bomb 4G pixels": (lambda: f.png_bomb(65_536, 65_536), "too_many_pixels"),
    "jpeg bomb 60k x 60k": (f.jpeg_bomb, "too_many_pixels"),
    "1 x 100,000 strip": (f.strip_png, "too_many_pixels"),
    "apng": (f.apng, "animated_not_supported"),
    "animated webp": (f.animated_webp, "animated_not_supported"),
}


@pytest.mark.parametrize("make, reason", OVER.values(), ids=OVER.keys())
def test_given_a_fixture_over_a_limit_when_checked_then_rejected(
    make: Callable[[], bytes], reason: str
) -> None:
    header = probe(make(), complete=True)

    with pytest.raises(Rejected) as caught:
        check(header)

    assert caught.value.reason == reason


def test_given_the_strip_then_it_is_under_the_pixel_limit_but_over_the_side_limit() -> None:
    header = probe(f.strip_png(1, 100_000), complete=True)

    assert header.width * header.height < LIMITS.max_pixels
    assert header.height > LIMITS.max_side


@pytest.mark.parametrize(
    "header",
    [
        still(10_000, 10_000),  # exactly 100 MP
        still(30_000, 3_333),  # exactly 30,000 a side, just under 100 MP
        still(3_333, 30_000),
        still(1, 1),
        Header("png", 640, 480, 6, 1),
    ],
    ids=str,
)
def test_given_a_still_at_or_under_the_limits_then_accepted(header: Header) -> None:
    check(header)  # THEN no exception


@pytest.mark.parametrize(
    "header",
    [still(10_001, 10_000), still(30_001, 1), still(1, 30_001)],
    ids=str,
)
def test_given_a_still_one_past_a_limit_then_too_many_pixels(header: Header) -> None:
    with pytest.raises(Rejected) as caught:
        check(header)

    assert caught.value.reason == "too_many_pixels"


def test_given_a_small_animation_then_rejected_as_animated() -> None:
    with pytest.raises(Rejected) as caught:
        check(Header("webp", 32, 24, 1, 2))

    assert caught.value.reason == "animated_not_supported"


def test_given_a_photo_fixture_then_within_the_limits() -> None:
    check(probe(f.photo(640, 480), complete=True))  # THEN no exception

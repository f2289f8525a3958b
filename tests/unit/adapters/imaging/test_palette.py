"""palette: sRGB colours to the twelve search words, hex notation, and the dominant colour."""

from __future__ import annotations

import random

import pytest

from chalicelib.adapters.imaging.palette import PALETTE, dominant, hex_of, name_for

Rgb = tuple[int, int, int]

NAMED: dict[str, tuple[Rgb, str]] = {
    # pure and textbook colours
    "pure red": ((255, 0, 0), "red"),
    "maroon": ((128, 0, 0), "red"),
    "crimson": ((220, 20, 60), "red"),
    "pure orange": ((255, 165, 0), "orange"),
    "dark orange": ((255, 140, 0), "orange"),
    "pure yellow": ((255, 255, 0), "yellow"),
    "gold": ((255, 215, 0), "yellow"),
    "khaki": ((240, 230, 140), "yellow"),
    "pure green": ((0, 255, 0), "green"),
    "forest green": ((34, 139, 34), "green"),
    "turquoise": ((64, 224, 208), "turquoise"),
    "teal": ((0, 128, 128), "turquoise"),
    "cyan": ((0, 255, 255), "turquoise"),
    "pure blue": ((0, 0, 255), "blue"),
    "navy": ((0, 0, 128), "blue"),
    "royal blue": ((65, 105, 225), "blue"),
    "purple": ((128, 0, 128), "violet"),
    "violet": ((238, 130, 238), "violet"),
    "indigo": ((75, 0, 130), "violet"),
    "lavender": ((181, 126, 220), "violet"),
    "pink": ((255, 192, 203), "pink"),
    "hot pink": ((255, 105, 180), "pink"),
    "deep pink": ((255, 20, 147), "pink"),
    "saddle brown": ((139, 69, 19), "brown"),
    "chocolate": ((123, 63, 0), "brown"),
    "black": ((0, 0, 0), "black"),
    "white": ((255, 255, 255), "white"),
    "mid grey": ((128, 128, 128), "gray"),
    "silver": ((192, 192, 192), "gray"),
    # what photographs actually contain
    "sky blue": ((135, 206, 235), "blue"),
    "hazy sky in a photo": ((120, 170, 220), "blue"),
    "steel-blue sea": ((70, 130, 180), "blue"),
    "grass green": ((86, 130, 3), "green"),
    "leaf in shade": ((60, 120, 40), "green"),
    "tropical water": ((0, 150, 170), "turquoise"),
    "light skin": ((224, 172, 105), "orange"),
    "pale skin": ((234, 192, 170), "orange"),
    "dark skin": ((141, 85, 36), "brown"),
    "coffee brown": ((111, 78, 55), "brown"),
    "wooden table": ((193, 154, 107), "brown"),
    "terracotta": ((226, 114, 91), "red"),
    "raspberry": ((227, 11, 92), "pink"),
    "aubergine": ((60, 30, 70), "violet"),
    "near-black": ((20, 20, 25), "black"),
    "night sky": ((10, 20, 40), "black"),
    "charcoal": ((54, 69, 79), "gray"),
    "warm grey": ((140, 130, 120), "gray"),
    "off-white": ((250, 248, 240), "white"),
    "cream paper": ((255, 253, 208), "white"),
    "snow in shade": ((235, 240, 250), "white"),
}


@pytest.mark.parametrize("rgb, expected", NAMED.values(), ids=NAMED.keys())
def test_given_a_clear_colour_when_named_then_it_gets_the_word_people_use(
    rgb: Rgb, expected: str
) -> None:
    assert name_for(*rgb) == expected


def test_the_palette_is_exactly_the_twelve_search_words() -> None:
    assert set(PALETTE) == {
        "red", "orange", "yellow", "green", "turquoise", "blue",
        "violet", "pink", "brown", "black", "gray", "white",
    }  # fmt: skip
    assert len(PALETTE) == 12


def test_given_the_whole_colour_cube_then_every_name_is_in_the_palette_and_each_is_used() -> None:
    # GIVEN a lattice over the sRGB cube WHEN each point is named
    levels = range(0, 256, 15)
    names = {name_for(r, g, b) for r in levels for g in levels for b in levels}

    # THEN nothing falls outside the palette and no word is unreachable
    assert names == set(PALETTE)


@pytest.mark.parametrize(
    "rgb, expected", [((255, 0, 0), "#ff0000"), ((0, 128, 255), "#0080ff"), ((1, 2, 3), "#010203")]
)
def test_hex_is_lower_case_and_zero_padded(rgb: Rgb, expected: str) -> None:
    assert hex_of(*rgb) == expected


# --- dominant ---------------------------------------------------------------------------

SIDE = 64


def picture(*parts: tuple[float, Rgb]) -> list[Rgb]:
    """A 64x64 sample made of colour areas in the given shares, top to bottom."""
    total = SIDE * SIDE
    pixels: list[Rgb] = []
    for share, colour in parts:
        pixels += [colour] * round(share * total)
    return (pixels + [parts[-1][1]] * total)[:total]


def jittered(colour: Rgb, count: int, spread: int, seed: int = 3) -> list[Rgb]:
    """`colour` with fixed-seed noise, as a sensor and JPEG would leave it."""
    rng = random.Random(seed)
    return [
        tuple(max(0, min(255, c + rng.randint(-spread, spread))) for c in colour)  # type: ignore[misc]
        for _ in range(count)
    ]


def test_given_a_flat_picture_then_its_colour_is_dominant_exactly() -> None:
    assert dominant(picture((1.0, (30, 110, 200)))) == (30, 110, 200)


def test_given_a_noisy_red_then_it_says_red_with_the_mean_colour() -> None:
    # GIVEN red with noise that scatters it over many 4-bit buckets
    pixels = jittered((200, 30, 40), SIDE * SIDE, spread=24)

    rgb = dominant(pixels)

    # THEN the buckets pool under one name and the answer is their mean
    assert name_for(*rgb) == "red"
    assert all(abs(got - want) <= 3 for got, want in zip(rgb, (200, 30, 40), strict=True))


def test_given_a_gradient_sky_then_the_answer_lies_within_it() -> None:
    # GIVEN a vertical gradient from a deep to a pale blue
    pixels = [(100 + y, 150 + y // 2, 220 + y // 4) for y in range(SIDE) for _ in range(SIDE)]

    r, g, b = dominant(pixels)

    assert name_for(r, g, b) == "blue"
    assert 100 <= r <= 163 and 150 <= g <= 181 and 220 <= b <= 235


@pytest.mark.parametrize(
    "red_share, expected", [(0.20, "gray"), (0.30, "gray"), (0.40, "red"), (0.45, "red")]
)
def test_given_a_red_flower_on_a_grey_wall_then_red_wins_only_when_substantial(
    red_share: float, expected: str
) -> None:
    # GIVEN a grey wall and a vivid red flower covering `red_share` of the picture
    pixels = picture((red_share, (220, 20, 30)), (1 - red_share, (128, 128, 128)))

    # THEN a vivid colour counts double: it beats the wall from a third of the area
    assert name_for(*dominant(pixels)) == expected


def test_given_a_pastel_on_a_grey_wall_then_its_smaller_bonus_is_not_enough() -> None:
    # GIVEN the same 40 % share that made the vivid red win, in a pale pink
    pixels = picture((0.40, (255, 192, 203)), (0.60, (128, 128, 128)))

    # THEN the pastel's chroma earns too little to beat the grey majority
    assert dominant(pixels) == (128, 128, 128)


def test_given_two_vivid_colours_then_the_larger_area_wins() -> None:
    pixels = picture((0.40, (20, 160, 40)), (0.60, (20, 60, 200)))

    assert dominant(pixels) == (20, 60, 200)


def test_given_a_winning_name_whose_mean_reads_otherwise_then_its_biggest_bucket_answers() -> None:
    # GIVEN saddle brown and tan, both brown, whose average is a mid orange
    pixels = picture((0.37, (139, 69, 19)), (0.34, (210, 180, 140)), (0.29, (128, 128, 128)))
    assert name_for(174, 124, 80) == "orange"

    # THEN the hex still shows a brown: the most populated brown bucket
    assert dominant(pixels) == (139, 69, 19)


def test_given_a_neutral_split_then_the_largest_neutral_wins() -> None:
    # GIVEN a white page with black text and a grey margin
    pixels = picture((0.15, (10, 10, 10)), (0.25, (128, 128, 128)), (0.60, (250, 250, 250)))

    assert dominant(pixels) == (250, 250, 250)


def test_given_no_pixels_then_it_refuses() -> None:
    with pytest.raises(ValueError):
        dominant([])

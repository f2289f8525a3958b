"""Property-style: whatever the bytes, probe answers a sane Header, Rejected or NeedMoreData."""

from __future__ import annotations

import random

import pytest

from chalicelib.domain.errors import NeedMoreData, Rejected
from chalicelib.domain.probe import MAX_HEADER_BYTES, Header, probe
from tests.images import factory as f

SIGNATURES = [b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"RIFF\x00\x01\x00\x00WEBP", b"<svg", b""]


def seeds() -> list[bytes]:
    """Valid fixtures of each format, the ones whose headers have the most structure."""
    return [
        f.photo(64, 48),
        f.photo(64, 48, "png"),
        f.photo(64, 48, "webp"),
        f.webp_lossless(),
        f.rgba_webp(),
        f.oriented_jpeg(6),
        f.oriented_png(5),
        f.oriented_webp(8),
        f.jpeg_with_metadata(),
        f.jpeg_with_odd_app_markers(),
        f.apng(),
        f.animated_webp(),
        f.svg_with_prologue(),
    ]


def assert_sane_outcome(data: bytes, complete: bool) -> None:
    """The only outcomes allowed: a plausible Header, Rejected, or progress-making NeedMoreData."""
    try:
        header = probe(data, complete)
    except Rejected as rejected:
        assert rejected.reason in {"not_an_image", "unsupported_format", "corrupt_image"}
    except NeedMoreData as more:
        assert not complete
        assert len(data) < more.at_least <= MAX_HEADER_BYTES
    else:
        assert isinstance(header, Header)
        assert header.format in {"jpeg", "png", "webp"}
        assert header.width > 0 and header.height > 0
        assert 1 <= header.orientation <= 8 and header.frames >= 1


@pytest.mark.parametrize("complete", [True, False])
def test_given_random_bytes_behind_each_signature_then_a_sane_outcome(complete: bool) -> None:
    rng = random.Random(1234)
    for _ in range(300):
        data = rng.choice(SIGNATURES) + rng.randbytes(rng.randrange(0, 300))
        assert_sane_outcome(data, complete)


@pytest.mark.parametrize("complete", [True, False])
def test_given_random_truncations_of_valid_files_then_a_sane_outcome(complete: bool) -> None:
    rng = random.Random(99)
    for seed in seeds():
        for _ in range(30):
            assert_sane_outcome(seed[: rng.randrange(0, min(len(seed), 2_000))], complete)


@pytest.mark.parametrize("complete", [True, False])
def test_given_random_bit_flips_in_valid_headers_then_a_sane_outcome(complete: bool) -> None:
    rng = random.Random(2024)
    for seed in seeds():
        for _ in range(40):
            damaged = bytearray(seed)
            for _ in range(rng.randrange(1, 4)):
                damaged[rng.randrange(0, min(len(seed), 400))] ^= 1 << rng.randrange(8)
            assert_sane_outcome(bytes(damaged), complete)


def test_given_random_segment_soup_after_soi_then_a_sane_outcome() -> None:
    # Marker-shaped noise reaches the JPEG walker's less travelled paths (RSTn, FF00, fill).
    rng = random.Random(7)
    alphabet = [b"\xff", b"\x00", b"\xd0", b"\xd9", b"\xda", b"\xc0", b"\xe1", b"\x00\x02", b"x"]
    for _ in range(300):
        body = b"".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 80)))
        assert_sane_outcome(b"\xff\xd8\xff" + body, rng.random() < 0.5)

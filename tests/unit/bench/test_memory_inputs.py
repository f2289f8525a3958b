"""The memory benchmark's inputs: a bomb PNG that is valid and tiny, a photo near a byte limit."""

from __future__ import annotations

import struct
import zlib

import pytest

from bench import memory_inputs
from bench.memory_inputs import PNG_SIGNATURE, describe, detailed_photo, png_bomb
from bench.render_inputs import DEFAULT_PHOTO, SAMPLES
from chalicelib.domain import probe


def _chunks(data: bytes) -> list[tuple[bytes, bytes, int]]:
    """(type, body, stored CRC) of every chunk after the signature."""
    chunks, pos = [], len(PNG_SIGNATURE)
    while pos < len(data):
        length, kind = struct.unpack_from(">I4s", data, pos)
        body = data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack_from(">I", data, pos + 8 + length)
        chunks.append((kind, body, crc))
        pos += 12 + length
    return chunks


def test_given_a_bomb_when_built_then_every_chunk_is_well_formed_and_it_ends_with_iend() -> None:
    # GIVEN / WHEN a small bomb
    data = png_bomb(300, 200)
    chunks = _chunks(data)
    # THEN it starts with the signature and IHDR, every CRC is right, and IEND closes it
    assert data.startswith(PNG_SIGNATURE)
    assert chunks[0][0] == b"IHDR" and chunks[-1][0] == b"IEND"
    assert all(zlib.crc32(kind + body) == crc for kind, body, crc in chunks)


def test_given_a_bomb_when_inflated_then_it_is_exactly_its_rows_of_zero_pixels(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN a 300x200 RGB bomb whose stream is cut into many small IDAT chunks
    monkeypatch.setattr(memory_inputs, "IDAT_BYTES", 16)
    chunks = _chunks(png_bomb(300, 200))
    assert sum(kind == b"IDAT" for kind, _, _ in chunks) > 3
    # WHEN the IDAT stream is put back together and inflated
    pixels = zlib.decompress(b"".join(body for kind, body, _ in chunks if kind == b"IDAT"))
    # THEN it holds 200 rows of (filter byte 0 + 300 x 3 zero bytes): a black picture
    assert len(pixels) == 200 * (1 + 300 * 3)
    assert pixels.count(0) == len(pixels)


def test_given_a_large_bomb_when_built_then_it_deflates_a_thousandfold_and_probes_its_size(
) -> None:
    # GIVEN / WHEN a 4000x4000 bomb (48 MB of pixels)
    data = png_bomb(4000, 4000)
    # THEN the file is under a thousandth of its pixels, and the service's header probe
    # reads the declared size from its first bytes alone
    assert len(data) < 4000 * 4000 * 3 / 900
    header = probe.probe(data[:4096], complete=False)
    assert (header.format, header.width, header.height) == ("png", 4000, 4000)


def test_given_a_byte_limit_when_a_grained_photo_is_made_then_it_is_near_it_and_never_over(
) -> None:
    pytest.importorskip("pyvips")
    # GIVEN a limit of 0.5 bytes a pixel for a 600x400 photo
    limit = 120_000
    # WHEN the photo is grown and grained toward it
    data = detailed_photo(SAMPLES / DEFAULT_PHOTO, 600, 400, limit)
    # THEN it is a JPEG that uses most of the budget without passing it
    assert data[:3] == b"\xff\xd8\xff"
    assert 0.6 * limit <= len(data) <= limit


def test_given_an_input_when_described_then_size_bytes_and_megapixels_are_reported() -> None:
    item = {"data": b"x" * 10, "width": 12000, "height": 8333, "type": "image/jpeg"}
    assert describe(item) == {"size": "12000x8333", "bytes": 10, "megapixels": 100.0,
                              "type": "image/jpeg"}

"""Inputs of the memory benchmark, made at bench time: photos and a decompression-bomb PNG.

The photo is a real one grown to size (bench/render_inputs.make_photo). Grown photos are
smooth and compress far better than a camera's (3.6 MB at 100 MP), and ingest holds the whole
file in memory, so the same photo is also made with seeded grain until it nears the 50 MiB
upload limit: the largest file of that size the service accepts.

The bomb is a valid RGB 8-bit PNG whose pixels are all zero: it inflates to width x height x 3
bytes but deflates to about a thousandth of that. It is built row by row through one
streaming compressor, so building a 400 MP bomb never holds its 1.2 GB of pixels.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path
from typing import Any

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
RGB_8BIT = (8, 2)  # bit depth, colour type 2 (truecolour)
IDAT_BYTES = 1 << 20  # split the stream into 1 MiB IDAT chunks, as encoders do
GRAIN_FILL = 0.92  # aim a little under the limit: the tile only estimates the whole
GRAIN_RETRIES = 4
GRAIN_SEED = 6
TILE_SIDE = 1024


def png_chunk(kind: bytes, body: bytes) -> bytes:
    """One PNG chunk: length, type, body and the CRC of type + body."""
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_header(width: int, height: int) -> bytes:
    """Signature and IHDR of an RGB 8-bit, non-interlaced PNG."""
    depth, colour = RGB_8BIT
    fields = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0)
    return PNG_SIGNATURE + png_chunk(b"IHDR", fields)


def zero_rows_deflated(width: int, height: int) -> bytes:
    """The zlib stream of `height` all-zero rows (filter byte 0 + width x 3 zeros each)."""
    row = bytes(1 + 3 * width)
    compressor = zlib.compressobj(9)
    parts = [compressor.compress(row) for _ in range(height)]
    parts.append(compressor.flush())
    return b"".join(parts)


def png_bomb(width: int, height: int) -> bytes:
    """A well-formed width x height black RGB PNG, tiny on disk."""
    stream = zero_rows_deflated(width, height)
    idat = [png_chunk(b"IDAT", stream[start:start + IDAT_BYTES])
            for start in range(0, len(stream), IDAT_BYTES)]
    return png_header(width, height) + b"".join(idat) + png_chunk(b"IEND", b"")


def photo(source: Path, width: int, height: int) -> bytes:
    """A width x height JPEG (q90, 4:2:0) grown from a real photo (bench/render_inputs)."""
    from bench.render_inputs import make_photo

    return make_photo(source, width, height)


def detailed_photo(source: Path, width: int, height: int, max_bytes: int) -> bytes:
    """As photo(), plus seeded grain so the file nears `max_bytes`, as a camera file's detail
    does; never over it."""
    import pyvips

    smooth = pyvips.Image.new_from_buffer(photo(source, width, height), "").copy_memory()
    per_pixel = GRAIN_FILL * max_bytes / (width * height)
    sigma = _grain_for(_centre_tile(smooth), per_pixel)
    for _ in range(GRAIN_RETRIES):
        data = _grained_jpeg(smooth, sigma)
        if len(data) <= max_bytes:
            return data
        sigma *= 0.9
    raise ValueError(f"could not bring a {width}x{height} JPEG under {max_bytes} bytes")


def _centre_tile(image: Any) -> Any:
    side = min(TILE_SIDE, image.width, image.height)
    left, top = (image.width - side) // 2, (image.height - side) // 2
    return image.crop(left, top, side, side).copy_memory()


def _grain_for(tile: Any, per_pixel: float) -> float:
    """The grain sigma that makes `tile` encode to about `per_pixel` bytes a pixel."""
    low, high = 0.0, 64.0
    for _ in range(10):
        sigma = (low + high) / 2
        size = len(_grained_jpeg(tile, sigma)) / (tile.width * tile.height)
        low, high = (sigma, high) if size < per_pixel else (low, sigma)
    return (low + high) / 2


def _grained_jpeg(image: Any, sigma: float) -> bytes:
    """`image` plus monochrome Gaussian grain, saved as the other inputs are (q90, 4:2:0)."""
    import pyvips

    from bench.render_inputs import INPUT_QUALITY

    grain = pyvips.Image.gaussnoise(image.width, image.height, sigma=sigma, seed=GRAIN_SEED)
    grained = (image + grain).cast("uchar")
    return bytes(grained.jpegsave_buffer(Q=INPUT_QUALITY, subsample_mode="on", keep="none"))


def make_all(sizes: dict[str, Any], source: Path, quick: bool) -> dict[str, dict[str, Any]]:
    """The photo, the same photo at the upload size limit, and the bomb (bytes + labels);
    `quick` leaves out the slow one at the limit."""
    from chalicelib.domain.limits import Limits

    width, height = sizes["photo"]
    bomb_w, bomb_h = sizes["bomb"]
    made = {"photo": photo(source, width, height)}
    if not quick:
        made["limit"] = detailed_photo(source, width, height, Limits().max_upload_bytes)
    made["bomb"] = png_bomb(bomb_w, bomb_h)
    sizes_of = {"photo": (width, height), "limit": (width, height), "bomb": (bomb_w, bomb_h)}
    return {name: {"data": data, "width": sizes_of[name][0], "height": sizes_of[name][1],
                   "type": "image/png" if name == "bomb" else "image/jpeg"}
            for name, data in made.items()}


def describe(item: dict[str, Any]) -> dict[str, Any]:
    """Size, bytes, megapixels and type of one input, for the results."""
    return {"size": f"{item['width']}x{item['height']}", "bytes": len(item["data"]),
            "megapixels": round(item["width"] * item["height"] / 1e6, 2), "type": item["type"]}

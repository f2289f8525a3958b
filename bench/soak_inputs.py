"""What `make soak` uploads: good photos of several sizes, broken files, bombs, one file sent
again and again, and photos deleted while they are processed, in a fixed, seeded order.

Good photos are cut from the local stack's sample photos (a handful of distinct files per size,
made once); the hostile ones are built byte by byte, so nothing here is big or slow to make.
"""

from __future__ import annotations

import random
import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.render_inputs import SAMPLES, make_photo

# Camera-like sizes, kept modest so a thousand uploads drain in minutes on two cores.
SIZES: tuple[tuple[str, int, int], ...] = (
    ("0.5 MP", 866, 577),
    ("2 MP", 1732, 1155),
    ("6 MP", 3000, 2000),
    ("12 MP", 4000, 3000),
)
# Share of each kind in the mix (the rest are good photos kept to the end).
SHARES: dict[str, float] = {"broken": 0.08, "bomb": 0.04, "duplicate": 0.08, "deleted": 0.05}
GOOD = "good"
HOSTILE = frozenset({"broken", "bomb"})


@dataclass(frozen=True)
class SoakItem:
    """One upload of the run: its kind, bytes, declared type and a unique title word."""

    index: int
    kind: str
    data: bytes
    content_type: str
    filename: str
    label: str

    @property
    def expect_ready(self) -> bool:
        """Whether a healthy service must end this upload `ready` (and searchable)."""
        return self.kind in (GOOD, "duplicate")


def kinds(count: int, seed: int = 14) -> list[str]:
    """`count` kinds, each share rounded, shuffled with `seed` (the same run every time)."""
    chosen: list[str] = []
    for kind, share in SHARES.items():
        chosen += [kind] * round(count * share)
    chosen = chosen[:count]
    chosen += [GOOD] * (count - len(chosen))
    random.Random(seed).shuffle(chosen)
    return chosen


def good_photos(per_size: int = 3, folder: Path = SAMPLES) -> list[tuple[str, bytes]]:
    """(label, JPEG bytes): `per_size` distinct photos for every size, from the samples."""
    sources = sorted(folder.glob("*.jpg"))
    if not sources:
        raise RuntimeError(f"no sample photos in {folder}")
    photos: list[tuple[str, bytes]] = []
    for label, width, height in SIZES:
        for n in range(per_size):
            source = sources[(len(photos) + n) % len(sources)]
            w, h = (width, height) if n % 2 == 0 else (height, width)
            photos.append((f"{label} {w}x{h} {source.stem}", make_photo(source, w, h)))
    return photos


def distinct_photos(count: int, seed: int = 14,
                    sizes: Sequence[tuple[str, int, int]] = SIZES) -> list[tuple[str, bytes]]:
    """(label, JPEG bytes): `count` photos no two alike to the duplicate check, cycling through
    `sizes` and both orientations. Each is a scene of its own (a smooth random colour field) under
    camera-like grain, about 0.35 MB a megapixel at quality 90; the grain of a size is made
    once and shared (it is too fine to move a perceptual hash)."""
    import pyvips as pv

    grains: dict[tuple[int, int], Any] = {}
    photos: list[tuple[str, bytes]] = []
    for index in range(count):
        label, width, height = sizes[index % len(sizes)]
        if index // len(sizes) % 2:
            width, height = height, width
        if (width, height) not in grains:
            grains[width, height] = pv.Image.gaussnoise(width, height, sigma=7, mean=0,
                                                        seed=seed).copy_memory()
        field = _colour_field(pv, seed * 1_000_003 + index, width, height)
        image = (field + grains[width, height]).cast("uchar").copy(interpretation="srgb")
        photos.append((f"{label} {width}x{height} scene {index}", image.jpegsave_buffer(Q=90)))
    return photos


def _colour_field(pv: Any, seed: int, width: int, height: int) -> Any:
    """A smooth random picture: 12 x 8 random colours blown up with a cubic kernel."""
    rng = random.Random(seed)
    bands = [pv.Image.gaussnoise(12, 8, sigma=55, mean=128, seed=rng.randrange(1 << 30))
             for _ in range(3)]
    return bands[0].bandjoin(bands[1:]).resize(width / 12, vscale=height / 8, kernel="cubic")


def png_bomb(width: int = 60_000, height: int = 60_000) -> bytes:
    """A PNG whose header claims 3.6 gigapixels: refused from the header, never decoded."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    row = b"\x00" + b"\x00" * 3 * 64
    idat = zlib.compress(row * 64, 9)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(
        b"IEND", b"")


def jpeg_bomb(photo: bytes, side: int = 65_000) -> bytes:
    """A real JPEG whose frame header is rewritten to claim `side` x `side` pixels."""
    at = _sof_offset(photo)
    return photo[:at + 5] + struct.pack(">HH", side, side) + photo[at + 9:]


def broken_files(photo: bytes, seed: int = 14) -> list[tuple[str, bytes, str]]:
    """(label, bytes, content type): noise named a JPEG, a JPEG cut in half, a PNG signature
    with nothing after it, an empty-looking HTML page."""
    noise = random.Random(seed).randbytes(40_000)
    return [
        ("noise as jpeg", noise, "image/jpeg"),
        ("jpeg cut in half", photo[: len(photo) // 2], "image/jpeg"),
        ("png signature only", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png"),
        ("html as jpeg", b"<!doctype html><title>x</title>" * 40, "image/jpeg"),
    ]


def mix(count: int, seed: int = 14) -> list[SoakItem]:
    """The whole run's uploads, in order."""
    photos = good_photos()
    small = photos[0][1]
    broken = broken_files(small, seed)
    bombs = [("png bomb 60000x60000", png_bomb(), "image/png"),
             ("jpeg bomb 65000x65000", jpeg_bomb(small), "image/jpeg")]
    duplicate = photos[len(photos) // 2]
    items = []
    for index, kind in enumerate(kinds(count, seed)):
        if kind == "broken":
            label, data, content_type = broken[index % len(broken)]
        elif kind == "bomb":
            label, data, content_type = bombs[index % len(bombs)]
        elif kind == "duplicate":
            label, data, content_type = (f"same file: {duplicate[0]}", duplicate[1],
                                         "image/jpeg")
        else:
            label, data = photos[index % len(photos)]
            content_type = "image/jpeg"
        extension = "png" if content_type == "image/png" else "jpg"
        items.append(SoakItem(index, kind, data, content_type, f"soak-{index:05d}.{extension}",
                              label))
    return items


def counts(items: Sequence[SoakItem]) -> dict[str, int]:
    """How many of each kind."""
    result: dict[str, int] = {}
    for item in items:
        result[item.kind] = result.get(item.kind, 0) + 1
    return result


def _chunk(kind: bytes, body: bytes) -> bytes:
    crc = zlib.crc32(kind + body) & 0xFFFFFFFF
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


def _sof_offset(jpeg: bytes) -> int:
    """Where the first baseline/progressive frame header's marker starts."""
    for marker in (b"\xff\xc0", b"\xff\xc2", b"\xff\xc1"):
        at = jpeg.find(marker)
        if at > 0:
            return at
    raise ValueError("no frame header in this JPEG")

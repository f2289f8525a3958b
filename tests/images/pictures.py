"""Valid pictures, encoded by pyvips or Pillow, with known sizes and colours."""

from __future__ import annotations

import io
import itertools
import random
from collections.abc import Callable
from functools import cache

import pyvips
from PIL import Image

from tests.images import binary

# Scenes 1 .. SCENES - 1 are pairwise far apart by the duplicate hash (tests/images/test_factory.py
# checks it); fresh_scene() hands them out one by one.
SCENES = 300
RED, GREEN, BLUE, WHITE = (255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255)
# oriented_*(): what a viewer shows once EXIF orientation is applied.
DISPLAY_WIDTH, DISPLAY_HEIGHT = 300, 200
QUADRANTS = {"top_left": RED, "top_right": GREEN, "bottom_left": BLUE, "bottom_right": WHITE}
# How to store the upright picture so that applying orientation N shows it upright again.
_TO_STORED: dict[int, Callable[[pyvips.Image], pyvips.Image]] = {
    0: lambda im: im,
    1: lambda im: im,
    2: lambda im: im.fliphor(),
    3: lambda im: im.rot180(),
    4: lambda im: im.flipver(),
    5: lambda im: im.rot90().fliphor(),  # transpose is its own inverse
    6: lambda im: im.rot270(),  # shown rotated 90 degrees clockwise
    7: lambda im: im.rot90().flipver(),  # transverse is its own inverse
    8: lambda im: im.rot90(),  # shown rotated 90 degrees anticlockwise
}


def solid(width: int, height: int, colour: tuple[int, ...]) -> pyvips.Image:
    """A flat 8-bit sRGB (3 values) or sRGB+alpha (4 values) image."""
    flat = pyvips.Image.black(width, height, bands=len(colour)) + list(colour)
    return flat.cast("uchar").copy(interpretation="srgb")


def encode(image: pyvips.Image, fmt: str, quality: int = 90, **options: object) -> bytes:
    """Encode with no metadata at all (libvips keeps and even adds EXIF by default)."""
    if fmt == "png":
        return bytes(image.pngsave_buffer(keep="none", **options))
    saver = image.jpegsave_buffer if fmt == "jpeg" else image.webpsave_buffer
    return bytes(saver(Q=quality, keep="none", **options))


def photo_image(width: int, height: int, scene: int = 0) -> pyvips.Image:
    """Smooth gradients, a soft wave and fixed-seed grain: compresses like a photo. Each
    `scene` but 0 adds its own broad light and shade, so that scenes are different pictures
    to the duplicate check (their perceptual hashes lie far apart) at any size."""
    xyz = pyvips.Image.xyz(width, height)
    x, y = xyz[0], xyz[1]
    red = x * (200 / width) + 30
    green = y * (180 / height) + 40
    blue = ((x + y) * (1080 / (width + height))).sin() * 60 + 120  # sin() takes degrees
    tile = pyvips.Image.new_from_memory(random.Random(7).randbytes(128 * 128), 128, 128, 1, "uchar")
    grain = tile.replicate(width // 128 + 1, height // 128 + 1).crop(0, 0, width, height)
    image = red.bandjoin([green, blue]) + (grain - 128) * 0.15
    if scene:
        image = image + _shade(width, height, scene)
    return image.cast("uchar").copy(interpretation="srgb")


def _shade(width: int, height: int, scene: int) -> pyvips.Image:
    """An 8x8 grid of random brightness offsets (+-128), stretched smoothly over the picture:
    strong enough that it, not the shared gradients, decides the perceptual hash."""
    cells = random.Random(scene).randbytes(64)
    small = pyvips.Image.new_from_memory(cells, 8, 8, 1, "uchar").cast("float")
    return small.resize(width / 8, vscale=height / 8) - 128


_unused_scenes = itertools.count(1)


def fresh_scene() -> int:
    """A scene no earlier call in this process returned: a picture the duplicate check takes
    for a new one, whoever uploads it and at whatever size."""
    scene = next(_unused_scenes)
    if scene >= SCENES:
        raise RuntimeError(f"all {SCENES - 1} scenes are used: raise SCENES (its test checks them)")
    return scene


def fresh_photo(width: int = 640, height: int = 480, fmt: str = "jpeg", quality: int = 90) -> bytes:
    """photo() of a scene nobody has used yet in this process."""
    return photo(width, height, fmt, quality, scene=fresh_scene())


@cache
def photo(width: int = 640, height: int = 480, fmt: str = "jpeg", quality: int = 90,
          scene: int = 0) -> bytes:
    """A deterministic photo-like picture as JPEG, PNG or WebP (`scene`: a different one)."""
    return encode(photo_image(width, height, scene), fmt, quality)


@cache
def progressive_jpeg(width: int = 320, height: int = 240) -> bytes:
    """A progressive (SOF2) JPEG."""
    return encode(photo_image(width, height), "jpeg", interlace=True)


@cache
def webp_lossless(width: int = 160, height: int = 120) -> bytes:
    """A simple lossless WebP (one VP8L chunk)."""
    return encode(photo_image(width, height), "webp", lossless=True)


def upright_quadrants() -> pyvips.Image:
    """The picture oriented_*() show once displayed: 300x200, red in the top-left quadrant."""
    half_w, half_h = DISPLAY_WIDTH // 2, DISPLAY_HEIGHT // 2
    blocks = [solid(half_w, half_h, colour) for colour in QUADRANTS.values()]
    return pyvips.Image.arrayjoin(blocks, across=2)


def stored_quadrants(orientation: int) -> pyvips.Image:
    """The stored pixels that display as upright_quadrants() under `orientation`."""
    return _TO_STORED[orientation](upright_quadrants())


@cache
def oriented_jpeg(orientation: int, big_endian: bool = False) -> bytes:
    """JPEG whose EXIF orientation tag is `orientation` (0..8); shows upright_quadrants()."""
    jpeg = encode(stored_quadrants(orientation), "jpeg", quality=95)
    app1 = binary.exif_app1(binary.orientation_exif(orientation, big_endian))
    return binary.insert_after_soi(jpeg, app1)


@cache
def oriented_png(orientation: int, exif_prefix: bool = False) -> bytes:
    """PNG with an eXIf chunk before IDAT; exif_prefix keeps the JPEG APP1 "Exif" header in it."""
    png = encode(stored_quadrants(orientation), "png")
    tiff = binary.orientation_exif(orientation, big_endian=True)
    exif = binary.png_chunk(b"eXIf", b"Exif\x00\x00" * exif_prefix + tiff)
    return binary.insert_png_chunks(png, [exif])


@cache
def oriented_webp(orientation: int) -> bytes:
    """Extended WebP (VP8X, lossy VP8, then EXIF after the image data, as the spec orders it)."""
    stored = stored_quadrants(orientation)
    kind, body = binary.webp_chunks(encode(stored, "webp", quality=95))[0]
    return binary.webp_file(
        [
            binary.vp8x_chunk(stored.width, stored.height, flags=0x08),
            binary.riff_chunk(kind, body),
            binary.riff_chunk(b"EXIF", binary.orientation_exif(orientation)),
        ]
    )


@cache
def cmyk_jpeg(tagged: bool = False) -> bytes:
    """CMYK JPEG of C0 M100 Y100 K0 (red), Adobe APP14 with inverted samples as Photoshop writes.

    Untagged comes from Pillow; tagged carries libvips' built-in CMYK profile (about 1 MB of
    APP2 chunks before the frame header).
    """
    if tagged:
        cmyk = solid(64, 48, RED).icc_transform("cmyk", input_profile="srgb")
        return bytes(cmyk.jpegsave_buffer(Q=95, keep="icc"))
    return pillow_encode(Image.new("CMYK", (64, 48), (0, 255, 255, 0)), "JPEG", quality=95)


@cache
def png16(alpha: bool = False) -> bytes:
    """16-bit RGB (or RGBA, left half opaque) PNG with full-range gradients."""
    image = photo_image(96, 64).cast("ushort") * 257
    if alpha:
        opacity = (pyvips.Image.xyz(96, 64)[0] < 48).ifthenelse(65535, 16384).cast("ushort")
        image = image.bandjoin(opacity)
    return encode(image.cast("ushort").copy(interpretation="rgb16"), "png", bitdepth=16)


@cache
def grey16_png() -> bytes:
    """16-bit greyscale PNG, a horizontal ramp over the full range."""
    ramp = pyvips.Image.xyz(256, 32)[0] * 257
    return encode(ramp.cast("ushort").copy(interpretation="grey16"), "png", bitdepth=16)


@cache
def palette_png_with_transparency() -> bytes:
    """Palette PNG (colour type 3) with a tRNS chunk: index 0 fully transparent."""
    image = Image.new("P", (64, 48), 0)
    image.putpalette([0, 0, 0, 255, 0, 0, 0, 0, 255])
    image.paste(1, (0, 0, 32, 48))
    image.paste(2, (32, 0, 64, 24))
    return pillow_encode(image, "PNG", transparency=0)


def _half_transparent_red() -> pyvips.Image:
    """Red, opaque on the left half and fully transparent on the right."""
    alpha = (pyvips.Image.xyz(64, 48)[0] < 32).ifthenelse(255, 0).cast("uchar")
    return solid(64, 48, RED).bandjoin(alpha).copy(interpretation="srgb")


@cache
def rgba_png() -> bytes:
    """8-bit RGBA PNG, red, left half opaque and right half transparent."""
    return encode(_half_transparent_red(), "png")


@cache
def rgba_webp() -> bytes:
    """Lossy WebP with alpha (VP8X + ALPH + VP8), same picture as rgba_png()."""
    return encode(_half_transparent_red(), "webp", quality=90)


@cache
def grey_jpeg() -> bytes:
    """Single-channel (greyscale) JPEG."""
    grey = photo_image(120, 80).colourspace("b-w")
    return encode(grey, "jpeg")


def pillow_encode(image: Image.Image, fmt: str, **options: object) -> bytes:
    """Encode with Pillow (its default save drops EXIF and XMP)."""
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def pillow_animation(frames: list[Image.Image], fmt: str) -> bytes:
    """Encode frames as one animated file with Pillow, 100 ms each."""
    return pillow_encode(frames[0], fmt, save_all=True, append_images=frames[1:], duration=100)

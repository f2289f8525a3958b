"""Render benchmark inputs made at bench time from a real photo, references, and PSNR.

The inputs are real photographs (the local stack's CC0 / public-domain samples) cropped to the
wanted aspect, upscaled with Lanczos3 and saved as JPEG q90 with 4:2:0 chroma: reproducible,
and no large binaries in the repository. Upscaled photos carry less fine detail than a camera
file of the same size, so encoders may find them a little easier than real 24 MP photos.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

SAMPLES = Path(__file__).resolve().parents[1] / "infra" / "local" / "samples"
DEFAULT_PHOTO = "falcon-9-dscovr-launch.jpg"
INPUT_QUALITY = 90


def _pyvips() -> Any:
    import pyvips

    return pyvips


def centre_crop_box(width: int, height: int, aspect: float) -> tuple[int, int, int, int]:
    """(left, top, w, h) of the largest centred box of `aspect` (w/h) inside width x height."""
    if width / height > aspect:
        crop_w = max(1, min(width, round(height * aspect)))
        return (width - crop_w) // 2, 0, crop_w, height
    crop_h = max(1, min(height, round(width / aspect)))
    return 0, (height - crop_h) // 2, width, crop_h


def make_photo(source: Path, width: int, height: int) -> bytes:
    """A width x height JPEG (q90, 4:2:0, no metadata) cut and upscaled from `source`."""
    pv = _pyvips()
    image = pv.Image.new_from_file(str(source), access="random").colourspace("srgb")
    if image.bands > 3:
        image = image.extract_band(0, n=3)
    left, top, crop_w, crop_h = centre_crop_box(image.width, image.height, width / height)
    image = image.crop(left, top, crop_w, crop_h)
    image = image.resize(width / crop_w, vscale=height / crop_h, kernel="lanczos3")
    return bytes(image.jpegsave_buffer(Q=INPUT_QUALITY, subsample_mode="on", keep="none"))


def full_decode(data: bytes) -> Any:
    """The whole image decoded at full resolution, held in memory (for references)."""
    return _pyvips().Image.new_from_buffer(data, "", access="random").copy_memory()


def reference(full: Any, width: int, height: int) -> Any:
    """A full-resolution decode resized with Lanczos3 to exactly width x height."""
    resized = full.resize(width / full.width, vscale=height / full.height, kernel="lanczos3")
    return resized.copy_memory()


def decode_to(data: bytes, width: int, height: int) -> Any:
    """Decode an encoded output as 3-band sRGB at width x height (resized only if it differs)."""
    image = _pyvips().Image.new_from_buffer(data, "").colourspace("srgb")
    if image.bands > 3:
        image = image.extract_band(0, n=3)
    if (image.width, image.height) != (width, height):
        image = image.resize(width / image.width, vscale=height / image.height)
    return image


def mse_to_psnr(mse: float, peak: float = 255.0) -> float:
    """PSNR in dB of a mean squared error; identical images give infinity."""
    if mse <= 0:
        return math.inf
    return 10 * math.log10(peak * peak / mse)


def psnr(candidate: Any, ref: Any) -> float:
    """PSNR in dB of `candidate` against `ref` (same size, 8-bit), over every band."""
    diff = candidate.cast("double") - ref.cast("double")
    return mse_to_psnr((diff * diff).avg())


def psnr_of(data: bytes, ref: Any) -> float:
    """PSNR of an encoded output against a reference image, rounded to 0.01 dB."""
    return round(psnr(decode_to(data, ref.width, ref.height), ref), 2)

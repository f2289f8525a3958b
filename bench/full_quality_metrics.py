"""Helpers of the full-download quality benchmark: SSIM, chroma PSNR and JPEG header facts.

SSIM is the single-scale index of Wang, Bovik, Sheikh and Simoncelli (2004) on the luma
channel: an 11-tap Gaussian window of sigma 1.5, K1 = 0.01, K2 = 0.03, L = 255, population
(not sample) statistics, averaged over the pixels whose window lies wholly inside the image.
No downsampling first. It is written twice: with pyvips image arithmetic for real images (no
numpy in the project's environment), and in plain Python for tiny images, so the tests can
hold one against the other.

The JPEG helpers read the marker segments up to the first scan: which markers a file carries
(to prove a download has no metadata), the frame type (baseline or not), each component's
sampling factors, and the quantisation tables, from which the IJG quality an encoder used is
recovered by matching the scaled Annex K tables.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

SSIM_SIGMA = 1.5
SSIM_RADIUS = 5  # 11 taps: the window of the SSIM paper
SSIM_K1, SSIM_K2, SSIM_PEAK = 0.01, 0.03, 255.0
SSIM_C1 = (SSIM_K1 * SSIM_PEAK) ** 2
SSIM_C2 = (SSIM_K2 * SSIM_PEAK) ** 2
# gaussmat drops taps below min_ampl (of the peak); e^(-25/4.5) = 0.0039 keeps 5 each side.
_GAUSS_MIN_AMPL = 0.003
# BT.601 full-range weights: the luma JPEG itself encodes (JFIF).
LUMA = (0.299, 0.587, 0.114)
CB = (-0.168736, -0.331264, 0.5)
CR = (0.5, -0.418688, -0.081312)

# ITU-T T.81 Annex K tables K.1 (luminance) and K.2 (chrominance), in natural order.
ANNEX_K_LUMA = (
    16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55,
    14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
    18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
    49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
)  # fmt: skip
ANNEX_K_CHROMA = (
    17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99,
    24, 26, 56, 99, 99, 99, 99, 99, 47, 66, 99, 99, 99, 99, 99, 99,
    *([99] * 32),
)  # fmt: skip
# Position in natural (row-major) order of the k-th coefficient in zigzag order.
ZIGZAG = (
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5,
    12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
    35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
    58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
)  # fmt: skip

SOI, EOI, SOS = 0xD8, 0xD9, 0xDA
SOF_NAMES = {0xC0: "baseline", 0xC1: "extended sequential", 0xC2: "progressive",
             0xC3: "lossless"}
# Segments that carry metadata rather than pixels: APP0-APP15 (JFIF, EXIF, XMP, ICC, IPTC,
# Adobe, ...) and COM.
METADATA_MARKERS = frozenset([*range(0xE0, 0xF0), 0xFE])


def _pyvips() -> Any:
    import pyvips

    return pyvips


# --- SSIM -------------------------------------------------------------------------------------


def luma(image: Any) -> Any:
    """BT.601 luma of an sRGB image as one double band (a one-band image is its own luma)."""
    image = image.cast("double")
    if image.bands == 1:
        return image
    return image.recomb([list(LUMA)])


def chroma(image: Any) -> Any:
    """The two BT.601 chroma planes (Cb, Cr, offset 128) of a 3-band image, as doubles."""
    return image.cast("double").recomb([list(CB), list(CR)]) + 128


def _window() -> Any:
    """The separable 11-tap Gaussian, normalised by convsep through its `scale`."""
    return _pyvips().Image.gaussmat(SSIM_SIGMA, _GAUSS_MIN_AMPL, separable=True,
                                    precision="float")


def ssim(candidate: Any, reference: Any) -> float:
    """Mean SSIM of two same-size 8-bit images on their luma, pyvips arithmetic only."""
    if (candidate.width, candidate.height) != (reference.width, reference.height):
        raise ValueError("SSIM needs two images of one size")
    x, y = luma(reference), luma(candidate)
    window = _window()
    if window.width != 2 * SSIM_RADIUS + 1:
        raise RuntimeError(f"Gaussian window of {window.width} taps, expected 11")

    def blur(image: Any) -> Any:
        return image.convsep(window, precision="float").cast("double")

    mu_x, mu_y = blur(x), blur(y)
    var_x = blur(x * x) - mu_x * mu_x
    var_y = blur(y * y) - mu_y * mu_y
    cov = blur(x * y) - mu_x * mu_y
    top = (mu_x * mu_y * 2 + SSIM_C1) * (cov * 2 + SSIM_C2)
    bottom = (mu_x * mu_x + mu_y * mu_y + SSIM_C1) * (var_x + var_y + SSIM_C2)
    index = top / bottom
    inner_w, inner_h = x.width - 2 * SSIM_RADIUS, x.height - 2 * SSIM_RADIUS
    if inner_w < 1 or inner_h < 1:
        raise ValueError("SSIM needs images of at least 11 x 11 pixels")
    return float(index.crop(SSIM_RADIUS, SSIM_RADIUS, inner_w, inner_h).avg())


def gaussian_taps(sigma: float = SSIM_SIGMA, radius: int = SSIM_RADIUS) -> list[float]:
    """Normalised 1-D Gaussian taps from -radius to +radius."""
    raw = [math.exp(-(i * i) / (2 * sigma * sigma)) for i in range(-radius, radius + 1)]
    total = sum(raw)
    return [value / total for value in raw]


def ssim_plain(x: Sequence[Sequence[float]], y: Sequence[Sequence[float]]) -> float:
    """The same mean SSIM in plain Python over two luma grids (rows of values), for checks."""
    height, width = len(x), len(x[0])
    taps = gaussian_taps()
    size = len(taps)
    if height < size or width < size:
        raise ValueError("SSIM needs images of at least 11 x 11 pixels")
    total, count = 0.0, 0
    for top in range(height - size + 1):
        for left in range(width - size + 1):
            mx = my = sxx = syy = sxy = 0.0
            for i, wi in enumerate(taps):
                row_x, row_y = x[top + i], y[top + i]
                for j, wj in enumerate(taps):
                    w = wi * wj
                    a, b = row_x[left + j], row_y[left + j]
                    mx += w * a
                    my += w * b
                    sxx += w * a * a
                    syy += w * b * b
                    sxy += w * a * b
            var_x, var_y, cov = sxx - mx * mx, syy - my * my, sxy - mx * my
            total += ((2 * mx * my + SSIM_C1) * (2 * cov + SSIM_C2)) / (
                (mx * mx + my * my + SSIM_C1) * (var_x + var_y + SSIM_C2))
            count += 1
    return total / count


# --- PSNR of the chroma planes --------------------------------------------------------------------


def chroma_psnr(candidate: Any, reference: Any) -> float:
    """PSNR in dB of the Cb and Cr planes together (what chroma subsampling throws away)."""
    from bench.render_inputs import mse_to_psnr

    if candidate.bands < 3 or reference.bands < 3:
        return math.inf
    diff = chroma(candidate) - chroma(reference)
    return mse_to_psnr((diff * diff).avg())


# --- JPEG headers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class JpegFacts:
    """What the marker segments before the first scan say about a JPEG."""

    markers: tuple[int, ...]  # every marker up to and including the first SOS, in order
    frame: str  # "baseline", "progressive", ...
    sampling: tuple[tuple[int, int], ...]  # (h, v) of each component
    tables: dict[int, tuple[int, ...]]  # quantisation table id -> 64 values, natural order
    component_tables: tuple[int, ...]  # the table id each component uses

    @property
    def metadata_markers(self) -> list[str]:
        """Names of the APPn and COM segments present (empty: no metadata at all)."""
        return [("COM" if m == 0xFE else f"APP{m - 0xE0}") for m in self.markers
                if m in METADATA_MARKERS]

    @property
    def subsampling(self) -> str:
        """"4:4:4", "4:2:2", "4:2:0", "4:4:0" or "grey", from the sampling factors."""
        if len(self.sampling) == 1:
            return "grey"
        (h0, v0), rest = self.sampling[0], self.sampling[1:]
        if any(f != (1, 1) for f in rest):
            return "other"
        return {(1, 1): "4:4:4", (2, 1): "4:2:2", (2, 2): "4:2:0", (1, 2): "4:4:0"}.get(
            (h0, v0), "other")

    def quality(self) -> int | None:
        """The IJG quality of the luma table (see `estimate_quality`)."""
        table = self.tables.get(self.component_tables[0]) if self.component_tables else None
        return estimate_quality(table) if table else None


def jpeg_facts(data: bytes) -> JpegFacts:
    """Walk the marker segments from SOI to the first SOS."""
    if data[:2] != b"\xff\xd8":
        raise ValueError("not a JPEG (no SOI)")
    pos, markers = 2, [SOI]
    frame = "none"
    sampling: tuple[tuple[int, int], ...] = ()
    component_tables: tuple[int, ...] = ()
    tables: dict[int, tuple[int, ...]] = {}
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            raise ValueError(f"no marker at byte {pos}")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        markers.append(marker)
        (length,) = struct.unpack_from(">H", data, pos + 2)
        body = data[pos + 4:pos + 2 + length]
        if marker == 0xDB:
            tables.update(_dqt(body))
        elif marker in SOF_NAMES:
            frame = SOF_NAMES[marker]
            sampling, component_tables = _sof_components(body)
        if marker in (SOS, EOI):
            break
        pos += 2 + length
    return JpegFacts(tuple(markers), frame, sampling, tables, component_tables)


def _dqt(body: bytes) -> dict[int, tuple[int, ...]]:
    """The tables of one DQT segment, turned from zigzag to natural order."""
    found, pos = {}, 0
    while pos < len(body):
        precision, table_id = body[pos] >> 4, body[pos] & 0x0F
        pos += 1
        width = 2 if precision else 1
        values = [int.from_bytes(body[pos + k * width:pos + (k + 1) * width], "big")
                  for k in range(64)]
        pos += 64 * width
        natural = [0] * 64
        for k, value in enumerate(values):
            natural[ZIGZAG[k]] = value
        found[table_id] = tuple(natural)
    return found


def _sof_components(body: bytes) -> tuple[tuple[tuple[int, int], ...], tuple[int, ...]]:
    count = body[5]
    parts = [body[6 + 3 * i:9 + 3 * i] for i in range(count)]
    return (tuple((p[1] >> 4, p[1] & 0x0F) for p in parts), tuple(p[2] for p in parts))


def ijg_table(quality: int, base: Sequence[int] = ANNEX_K_LUMA) -> tuple[int, ...]:
    """The table libjpeg's jpeg_set_quality(quality, force_baseline=TRUE) makes from `base`."""
    quality = min(100, max(1, quality))
    scale = 5000 // quality if quality < 50 else 200 - 2 * quality
    return tuple(min(255, max(1, (value * scale + 50) // 100)) for value in base)


def estimate_quality(table: Sequence[int], base: Sequence[int] = ANNEX_K_LUMA) -> int:
    """The IJG quality whose scaled Annex K table is nearest (sum of absolute differences) to
    `table`. Exact for libjpeg, libjpeg-turbo and mozjpeg in its default-table mode; for
    other encoders (cameras, Photoshop) it is the IJG quality with about the same step sizes."""
    def distance(quality: int) -> int:
        return sum(abs(a - b) for a, b in zip(ijg_table(quality, base), table, strict=True))

    return min(range(1, 101), key=lambda q: (distance(q), -q))

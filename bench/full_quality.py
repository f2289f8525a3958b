"""Full-download JPEG quality benchmark: which Q and chroma subsampling for the `full` rendition.

    .venv/bin/python -m bench.full_quality [--rounds 5] [--quick] [--results DIR]

The `full` rendition is the original at full resolution, upright (EXIF orientation applied),
sRGB, 8-bit, baseline JPEG with no metadata (jpegsave_buffer(keep="none")). For each photo and
each Q in QUALITIES, with chroma subsampling off (4:4:4) and on (4:2:0), it reports:

- bytes, and bytes relative to the original JPEG;
- encode CPU ms (process CPU, one libvips thread, median of `--rounds` round-robin rounds);
- quality against the decoded original (upright sRGB 8-bit): PSNR over R, G and B, SSIM on
  luma (bench/full_quality_metrics.py) and PSNR of the two chroma planes, which luma SSIM
  cannot see by construction;
- a generation-loss view: every original here is already a JPEG, so the download is its
  second generation; re-encoding at the original's own quality and subsampling is the anchor;
- mozjpeg's own options (trellis quantisation, overshoot deringing, quantisation tables) and
  optimize_coding at EXTRAS_Q 4:4:4, and what subsample_mode="auto" picks around Q 90;
- peak memory of one streaming full rendition at 24 MP and at the 100 MP upload limit, each
  setting in a fresh interpreter (optimize_coding makes libjpeg hold every coefficient).

Every output is checked: baseline frame, no APPn or COM segment, the subsampling asked for.
Photos: the seven sample photos of the local stack at their own size (real photographs; the
test images in tests/images are synthetic), each also with its 8x8 grid shifted (GRID_SHIFT),
tests/images' synthetic photo at 24 MP, and one sample grown to 24 MP as the render benchmark
does (a stock photo's pixel count, for CPU ms and bytes).
Writes bench/results/<UTC date>-<host>-full-quality.md. Numbers, not assertions.
"""

from __future__ import annotations

import argparse
import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from bench import full_quality_metrics as metrics
from bench import full_quality_report, machine
from bench import render_inputs as inputs
from bench.render_stats import spread

RESULTS = Path(__file__).resolve().parent / "results"
QUALITIES = (80, 85, 88, 90, 92, 95)
SUBSAMPLING = {"4:4:4": "off", "4:2:0": "on"}
EXTRAS_Q = 92
AUTO_CHECK_QUALITIES = (85, 88, 89, 90, 91, 92, 95)
BIG = (6000, 4000)
LARGEST = (12240, 8160)  # 99.9 MP: just under the service's max_pixels (100 MP)
# Repeat small photos inside a round so each timed round encodes about this many pixels.
PIXELS_PER_ROUND = 4_000_000
JPEG_BACKGROUND = [255, 255, 255]
# Cutting 4 px off the left and top moves the original's 8x8 blocks (and 16x16 chroma blocks)
# half a block away from the new encoder's: a second generation that cannot line up with the
# first, as with an original whose encoder used other tables (cameras, Photoshop), a crop, or
# a turn of a picture whose sides are not multiples of 16.
GRID_SHIFT = 4


@dataclass(frozen=True)
class Photo:
    """One input: its name, what it is, and the original file's bytes."""

    name: str
    about: str
    data: bytes
    shift: int = 0  # pixels cut from the left and top after decoding (see GRID_SHIFT)


@dataclass(frozen=True)
class Setting:
    """One jpegsave_buffer call: a row label and its keyword arguments (keep="none" added)."""

    label: str
    options: dict[str, Any]


def main(argv: list[str] | None = None) -> int:
    """Measure, write the results file, print its tables."""
    parser = argparse.ArgumentParser(prog="python -m bench.full_quality", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds per setting (5)")
    parser.add_argument("--quick", action="store_true", help="small photos only, 2 rounds")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where the .md goes")
    args = parser.parse_args(argv)
    results = measure(quick=args.quick, rounds=args.rounds)
    path = full_quality_report.write(results, args.results)
    print(full_quality_report.markdown(results).split("## Raw numbers")[0])
    print(f"results written to {path}")
    return 0


def measure(quick: bool = False, rounds: int = 5) -> dict[str, Any]:
    """Every photo through every setting; JSON-ready numbers."""
    os.environ["VIPS_CONCURRENCY"] = "1"  # read when libvips starts: before any pyvips import
    if quick:
        rounds = 2
    results: dict[str, Any] = {"machine": machine.describe(), "config": {
        "qualities": list(QUALITIES), "subsampling": SUBSAMPLING, "rounds": rounds,
        "extras_q": EXTRAS_Q, "quick": quick}}
    results["machine"].update(_library_versions())
    settings = main_settings()
    extras = extra_settings()
    results["machine"]["load average at start (1, 5, 15 min)"] = _load()
    results["photos"] = [_measure_photo(photo, settings, extras, rounds)
                         for photo in photos(quick)]
    results["auto_subsampling"] = auto_subsampling(photos(True)[0].data)
    if not quick:
        results["memory"] = [peak_memory(size, memory_settings(size)) for size in (BIG, LARGEST)]
    results["machine"]["load average at end (1, 5, 15 min)"] = _load()
    return results


def _load() -> str:
    """The load average: other work on the machine shows up in CPU times too (caches, SMT)."""
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def main_settings() -> list[Setting]:
    """Q x subsampling, each baseline with optimised Huffman tables."""
    return [Setting(f"Q{q} {name}", {"Q": q, "subsample_mode": mode, "optimize_coding": True})
            for q in QUALITIES for name, mode in SUBSAMPLING.items()]


def extra_settings() -> list[Setting]:
    """Encoder options beside Q, at EXTRAS_Q and 4:4:4 (all still baseline)."""
    base = {"Q": EXTRAS_Q, "subsample_mode": "off"}
    return [
        Setting(f"Q{EXTRAS_Q} 4:4:4 optimize_coding off", {**base, "optimize_coding": False}),
        Setting(f"Q{EXTRAS_Q} 4:4:4 trellis_quant", {**base, "optimize_coding": True,
                                                      "trellis_quant": True}),
        Setting(f"Q{EXTRAS_Q} 4:4:4 trellis_quant + overshoot_deringing",
                {**base, "optimize_coding": True, "trellis_quant": True,
                 "overshoot_deringing": True}),
        Setting(f"Q{EXTRAS_Q} 4:4:4 quant_table 3 (ImageMagick)",
                {**base, "optimize_coding": True, "quant_table": 3}),
    ]


def memory_settings(size: tuple[int, int]) -> list[Setting]:
    """Q92 both subsamplings with and without optimize_coding (and, at 24 MP, trellis)."""
    found = [Setting(f"Q92 {name}{'' if optimize else ' optimize_coding off'}",
                     {"Q": 92, "subsample_mode": mode, "optimize_coding": optimize})
             for name, mode in SUBSAMPLING.items() for optimize in (True, False)]
    if size != BIG:
        return found
    return [*found, Setting("Q92 4:4:4 trellis_quant", {"Q": 92, "subsample_mode": "off",
                                                         "optimize_coding": True,
                                                         "trellis_quant": True})]


def photos(quick: bool) -> list[Photo]:
    """The inputs (see the module docstring); `quick`: the seven small samples only."""
    samples = sorted(inputs.SAMPLES.glob("*.jpg"))
    found = [Photo(path.stem, "sample photo, own size", path.read_bytes()) for path in samples]
    found += [Photo(f"{path.stem} +{GRID_SHIFT}px", f"sample photo, grid shifted {GRID_SHIFT} px",
                    path.read_bytes(), GRID_SHIFT) for path in samples]
    if quick:
        return found
    from tests.images import pictures

    # Both are made here as Q90 JPEGs; shifted, so a Q90 re-encode cannot line up with them.
    synthetic = pictures.photo(*BIG)  # gradients, a wave and grain
    grown = inputs.make_photo(inputs.SAMPLES / inputs.DEFAULT_PHOTO, *BIG)
    return [*found,
            Photo("synthetic-24mp", "tests/images photo_image, 6000x4000, synthetic, grid "
                  f"shifted {GRID_SHIFT} px", synthetic, GRID_SHIFT),
            Photo("falcon-grown-24mp", f"{inputs.DEFAULT_PHOTO} grown to 6000x4000 (Lanczos3), "
                  f"grid shifted {GRID_SHIFT} px", grown, GRID_SHIFT)]


def upright_srgb8(data: bytes, shift: int = 0) -> Any:
    """The original decoded whole: ICC-tagged pictures to sRGB, then 8-bit sRGB (grey becomes
    three equal bands), alpha flattened on white, EXIF orientation applied; in memory.
    `shift` cuts that many pixels off the left and top (a bench-only view)."""
    import pyvips

    from chalicelib.adapters.imaging.vips_master import to_srgb8

    image = pyvips.Image.new_from_buffer(data, "", access="random", fail_on="truncated")
    if image.get_typeof("icc-profile-data"):
        image = image.icc_transform("srgb", embedded=True, intent="relative")
    image = to_srgb8(image)
    if image.hasalpha():
        image = image.flatten(background=JPEG_BACKGROUND).cast("uchar")
    image = image.autorot()
    if shift:
        image = image.crop(shift, shift, image.width - shift, image.height - shift)
    return image.copy_memory()


def encode(image: Any, setting: Setting) -> bytes:
    """The full rendition's encode: baseline JPEG, no metadata at all."""
    return bytes(image.jpegsave_buffer(keep="none", **setting.options))


def _measure_photo(photo: Photo, settings: list[Setting], extras: list[Setting], rounds: int
                   ) -> dict[str, Any]:
    facts = metrics.jpeg_facts(photo.data)
    decode_cpu = [_cpu_ms(lambda: upright_srgb8(photo.data))[1] for _ in range(3)]
    reference = upright_srgb8(photo.data, photo.shift)
    pixels = reference.width * reference.height
    original_bpp = 8 * len(photo.data) / _stored_pixels(photo.data)
    own = Setting("own settings", {"Q": facts.quality(), "optimize_coding": True,
                                   "subsample_mode": "on" if facts.subsampling == "4:2:0"
                                   else "off"})
    everything = [*settings, *extras, own]
    repeat = max(1, round(PIXELS_PER_ROUND / pixels))
    cpu = _timed_rounds(reference, everything, rounds, repeat)
    rows = {s.label: _quality_row(reference, s, original_bpp, cpu[s.label]) for s in everything}
    print(f"  {photo.name}: {len(everything)} settings measured", flush=True)
    return {"name": photo.name, "about": photo.about, "shift": photo.shift,
            "width": reference.width, "height": reference.height, "bytes": len(photo.data),
            "bits_per_pixel": round(original_bpp, 3), "frame": facts.frame,
            "subsampling": facts.subsampling, "quality": facts.quality(),
            "decode_cpu_ms": spread(decode_cpu), "repeat_per_round": repeat,
            "rows": {s.label: rows[s.label] for s in settings},
            "extras": {s.label: rows[s.label] for s in extras},
            "own": rows[own.label] | {"setting": own.options}}


def _timed_rounds(image: Any, settings: list[Setting], rounds: int, repeat: int
                  ) -> dict[str, list[float]]:
    """Warm up once, then `rounds` rounds of every setting in turn (noise lands on all)."""
    for setting in settings:
        encode(image, setting)
    cpu: dict[str, list[float]] = {s.label: [] for s in settings}
    for _ in range(rounds):
        for setting in settings:
            cpu[setting.label].append(_cpu_ms(partial(encode, image, setting), repeat)[1])
    return cpu


def _cpu_ms(run: Callable[[], Any], repeat: int = 1) -> tuple[Any, float]:
    """The last result and process-CPU milliseconds per call."""
    began = time.process_time()
    for _ in range(repeat):
        result = run()
    return result, (time.process_time() - began) * 1000 / repeat


def _stored_pixels(data: bytes) -> int:
    import pyvips

    header = pyvips.Image.new_from_buffer(data, "")
    return int(header.width * header.height)


def _quality_row(reference: Any, setting: Setting, original_bpp: float, cpu: list[float]
                 ) -> dict[str, Any]:
    """Bytes (and bits per pixel against the original's, so a shifted view compares per
    pixel), encode CPU, and quality against `reference`; plus the output's header check."""
    import pyvips

    data = encode(reference, setting)
    facts = metrics.jpeg_facts(data)
    decoded = pyvips.Image.new_from_buffer(data, "").colourspace("srgb").copy_memory()
    timing = spread(cpu)
    pixels = reference.width * reference.height
    bpp = 8 * len(data) / pixels
    return {
        "bytes": len(data),
        "bytes_vs_original": round(bpp / original_bpp, 3),
        "bits_per_pixel": round(bpp, 3),
        "cpu_ms": timing,
        "cpu_ms_per_mp": round(timing["median"] / (pixels / 1e6), 2),
        "psnr_db": _finite(inputs.psnr(decoded, reference)),
        "ssim": round(metrics.ssim(decoded, reference), 5),
        "chroma_psnr_db": _finite(metrics.chroma_psnr(decoded, reference)),
        "check": _check(facts, setting),
    }


def _check(facts: metrics.JpegFacts, setting: Setting) -> str:
    """"ok", or what is wrong with an output: a frame other than baseline, metadata, or a
    subsampling other than the one asked for."""
    problems = []
    if facts.frame != "baseline":
        problems.append(f"frame {facts.frame}")
    if facts.metadata_markers:
        problems.append("metadata " + ",".join(facts.metadata_markers))
    wanted = "4:2:0" if setting.options.get("subsample_mode") == "on" else "4:4:4"
    if facts.subsampling != wanted:
        problems.append(f"subsampling {facts.subsampling}, asked {wanted}")
    return "; ".join(problems) or "ok"


def stream_full(data: bytes, options: dict[str, Any]) -> bytes:
    """The full rendition as a service would run it, streaming: decode in strips, sRGB 8-bit,
    encode (turning needs the whole picture, so only oriented photos would hold one)."""
    import pyvips

    from chalicelib.adapters.imaging.vips_master import to_srgb8

    image = pyvips.Image.new_from_buffer(data, "", access="sequential", fail_on="truncated")
    if image.get_typeof("icc-profile-data"):
        image = image.icc_transform("srgb", embedded=True, intent="relative")
    image = to_srgb8(image)
    if image.hasalpha():
        image = image.flatten(background=JPEG_BACKGROUND).cast("uchar")
    if image.get_typeof("orientation") and image.get("orientation") != 1:
        image = image.copy_memory().autorot()
    return bytes(image.jpegsave_buffer(keep="none", **options))


# Run in a fresh interpreter per setting. The peak is VmHWM of /proc/self/status, reset to the
# current RSS after a warm-up (writing 5 to clear_refs): ru_maxrss would not do, as Linux
# carries into it the RSS the forked child had before exec (a big parent's).
_MEMORY_CHILD = """
import json, os, sys
os.environ["VIPS_CONCURRENCY"] = "1"
import pyvips
from bench.full_quality import stream_full

def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1])

pyvips.cache_set_max(0)
data = open(sys.argv[1], "rb").read()
stream_full(bytes(pyvips.Image.black(64, 64, bands=3).jpegsave_buffer()), json.loads(sys.argv[2]))
with open("/proc/self/clear_refs", "w") as refs:
    refs.write("5")
before = status("VmRSS")
out = stream_full(data, json.loads(sys.argv[2]))
print(json.dumps({"before_kib": before, "after_kib": status("VmHWM"), "bytes": len(out)}))
"""


def peak_memory(size: tuple[int, int], settings: list[Setting]) -> dict[str, Any]:
    """Peak RSS added by one streaming full rendition of the default sample grown to `size`,
    per setting, each in its own interpreter."""
    import json
    import subprocess
    import sys
    import tempfile

    data = inputs.make_photo(inputs.SAMPLES / inputs.DEFAULT_PHOTO, *size)
    root = Path(__file__).resolve().parents[1]
    rows: dict[str, Any] = {}
    with tempfile.NamedTemporaryFile(suffix=".jpg") as source:
        source.write(data)
        source.flush()
        for setting in settings:
            done = subprocess.run([sys.executable, "-c", _MEMORY_CHILD, source.name,
                                   json.dumps(setting.options)], cwd=root, check=True,
                                  capture_output=True, text=True)
            found = json.loads(done.stdout.strip().splitlines()[-1])
            rows[setting.label] = {"peak_added_mb": round(
                (found["after_kib"] - found["before_kib"]) / 1024, 1), "bytes": found["bytes"]}
    header = metrics.jpeg_facts(data)
    return {"input": f"{size[0]}x{size[1]} ({size[0] * size[1] / 1e6:.1f} MP) "
                     f"q{header.quality()} {header.subsampling}, {len(data):,} B", "rows": rows}


def auto_subsampling(data: bytes) -> dict[str, str]:
    """What subsample_mode="auto" (libvips' default) writes at each Q, read from the output."""
    image = upright_srgb8(data)
    found = {}
    for q in AUTO_CHECK_QUALITIES:
        out = bytes(image.jpegsave_buffer(Q=q, keep="none", subsample_mode="auto"))
        found[f"Q{q}"] = metrics.jpeg_facts(out).subsampling
    return found


def _finite(value: float) -> float | None:
    """Rounded dB; None for identical planes (infinite PSNR), which JSON cannot hold."""
    return None if math.isinf(value) else round(value, 2)


def _library_versions() -> dict[str, str]:
    import pyvips

    libjpeg = _bundled_libjpeg()
    return {"libvips (pyvips)": ".".join(str(pyvips.version(i)) for i in range(3)),
            "libjpeg in libvips": libjpeg, "VIPS_CONCURRENCY": os.environ["VIPS_CONCURRENCY"],
            "butteraugli": "not available (not in libvips, no package in this environment)"}


def _bundled_libjpeg() -> str:
    """The version string of the JPEG library linked into pyvips-binary's libvips."""
    from importlib import metadata

    try:
        files = metadata.files("pyvips-binary") or []
    except metadata.PackageNotFoundError:
        return "unknown (pyvips-binary not installed)"
    for entry in files:
        if "libvips" not in entry.name or ".so" not in entry.name:
            continue
        text = Path(str(entry.locate())).read_bytes()
        for sign in (b"mozjpeg version", b"libjpeg-turbo version"):
            start = text.find(sign)
            if start >= 0:
                return text[start:text.index(b"\0", start)].decode("ascii", "replace")
    return "unknown"


if __name__ == "__main__":
    raise SystemExit(main())

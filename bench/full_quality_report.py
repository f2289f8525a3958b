"""The full-download quality benchmark's results file: tables over the photos, then raw JSON."""

from __future__ import annotations

import itertools
import json
import math
import socket
import statistics
from collections.abc import Sequence
from pathlib import Path
from typing import Any

# The real photos (not grown, not synthetic): the quality and bytes summaries are averaged
# over these, as uploaded and with their 8x8 grid shifted; the 24 MP inputs give CPU at a
# stock photo's size.
AS_UPLOADED = "sample photo, own size"
SHIFTED = "sample photo, grid shifted"
CPU_PHOTO = "falcon-grown-24mp"
BIG_PIXELS = 20_000_000


def write(results: dict[str, Any], folder: Path) -> Path:
    """Save as `<UTC date>-<host>-full-quality.md` in `folder` (a rerun the same day replaces
    it; a --quick run ends in `-full-quality-quick.md`)."""
    folder.mkdir(parents=True, exist_ok=True)
    day = results["machine"]["date"][:10]
    quick = "-quick" if results["config"]["quick"] else ""
    path = folder / f"{day}-{socket.gethostname()}-full-quality{quick}.md"
    path.write_text(markdown(results))
    return path


def markdown(results: dict[str, Any]) -> str:
    """The whole results file."""
    photos = results["photos"]
    uploaded = [p for p in photos if p["about"] == AS_UPLOADED] or photos
    shifted = [p for p in photos if p["about"].startswith(SHIFTED)] or uploaded
    cpu_photo = next((p for p in photos if p["name"] == CPU_PHOTO), photos[-1])
    big = [p for p in photos if p["width"] * p["height"] >= BIG_PIXELS]
    lines = ["# Full-download JPEG quality (Q x chroma subsampling)", ""]
    lines += [f"- {key}: {value}" for key, value in results["machine"].items()]
    lines += [f"- run: {json.dumps(results['config'])}", ""]
    lines += ["## Photos", "", *photo_table(photos), ""]
    lines += [f"## Summary: the {len(shifted)} sample photos, grid shifted", "",
              "The encoder's own curve: the original's 8x8 blocks no longer line up with the "
              "new ones, as for any original whose encoder, tables, crop or turn differ. Means "
              "over the photos (each weighs the same); bytes vs original is per pixel, "
              f"geometric mean. CPU ms: the encode of `{cpu_photo['name']}` "
              f"({cpu_photo['width']}x{cpu_photo['height']}), median of the rounds.", "",
              *summary_table(shifted, cpu_photo), ""]
    lines += ["### Each step up in Q (same subsampling, grid shifted)", "",
              *step_table(shifted), ""]
    lines += ["### 4:2:0 against 4:4:4 at the same Q (grid shifted)", "",
              *subsampling_table(shifted), ""]
    lines += [f"## Summary: the {len(uploaded)} sample photos as uploaded", "",
              "Same means on the files as they are: every sample is itself a q88 4:2:0 JPEG, "
              "so Q88 4:2:0 lines up with its quantisation (see the generation-loss section).",
              "", *summary_table(uploaded, cpu_photo), ""]
    if big:
        lines += ["## At a stock photo's size (24 MP)", "", *big_table(big), ""]
    lines += ["## Generation loss: the download is the original's second JPEG generation", "",
              "Each cell: bytes vs the original file (per pixel), PSNR dB against the decoded "
              "original. `own` re-encodes at the original's own quality (estimated from its "
              "luma quantisation table) and subsampling.", "", *generation_table(photos), ""]
    lines += [f"## Encoder options at Q{results['config']['extras_q']} 4:4:4 (grid shifted "
              "samples)", "", *extras_table(shifted, cpu_photo), ""]
    if "memory" in results:
        lines += ["## Peak memory of one streaming full rendition", "",
                  "The default sample grown to size; each setting in a fresh interpreter: peak "
                  "RSS after the encode minus before it (decode in strips, encode).", ""]
        for memory in results["memory"]:
            lines += [f"**{memory['input']}**", "", *memory_table(memory), ""]
    lines += ["## subsample_mode=\"auto\" (libvips' default), read back from the output", "",
              *[f"- {q}: {found}" for q, found in results["auto_subsampling"].items()], ""]
    lines += ["## Output checks", "", *checks(photos), ""]
    lines += ["## Per photo", ""]
    for photo in photos:
        lines += [f"### {photo['name']} ({photo['width']}x{photo['height']}, "
                  f"{photo['bytes']:,} B, q{photo['quality']} {photo['subsampling']})", "",
                  *detail_table(photo), ""]
    lines += ["## How it is measured", "", *[f"- {note}" for note in NOTES], ""]
    raw = json.dumps(results, indent=1, default=str)
    lines += ["## Raw numbers", "", "```json", raw, "```", ""]
    return "\n".join(lines)


# --- pure helpers -----------------------------------------------------------------------------


def geomean(values: Sequence[float]) -> float:
    """Geometric mean of positive numbers (the mean of ratios)."""
    return math.exp(statistics.fmean(math.log(v) for v in values))


def mean_of(values: Sequence[float | None]) -> float | None:
    """Mean of the finite values (None: identical planes, infinite PSNR); None if none are."""
    finite = [v for v in values if v is not None]
    return statistics.fmean(finite) if finite else None


def bytes_at_psnr(curve: Sequence[tuple[int, float]], psnr_db: float) -> float | None:
    """Bytes a rate curve [(bytes, PSNR)] needs for `psnr_db`: linear in PSNR against
    log(bytes) between the two nearest points; None outside the curve."""
    points = sorted(curve, key=lambda point: point[1])
    for (b0, p0), (b1, p1) in itertools.pairwise(points):
        if p0 <= psnr_db <= p1:
            if p1 == p0:
                return float(b0)
            share = (psnr_db - p0) / (p1 - p0)
            return math.exp(math.log(b0) + share * (math.log(b1) - math.log(b0)))
    return None


def labels(photo: dict[str, Any]) -> list[str]:
    """The main settings in the order measured."""
    return list(photo["rows"])


def aggregate(photos: Sequence[dict[str, Any]], label: str, key: str = "rows"
              ) -> dict[str, Any]:
    """Means of one setting over the photos."""
    rows = [p[key][label] for p in photos]
    return {
        "bytes_vs_original": geomean([r["bytes_vs_original"] for r in rows]),
        "bits_per_pixel": statistics.fmean(r["bits_per_pixel"] for r in rows),
        "psnr_db": mean_of([r["psnr_db"] for r in rows]),
        "ssim": statistics.fmean(r["ssim"] for r in rows),
        "chroma_psnr_db": mean_of([r["chroma_psnr_db"] for r in rows]),
    }


def steps(photos: Sequence[dict[str, Any]], subsampling: str) -> list[dict[str, Any]]:
    """Going from one Q to the next at one subsampling: the mean change of bytes (%), PSNR
    and SSIM; bytes (%) per unit of Q, percent more bytes paid for each dB gained, and SSIM
    gained for each 10% more bytes."""
    chosen = [label for label in labels(photos[0]) if label.endswith(subsampling)]
    found = []
    for low, high in itertools.pairwise(chosen):
        growth = statistics.fmean(100 * (p["rows"][high]["bytes"] / p["rows"][low]["bytes"] - 1)
                                  for p in photos)
        gain = statistics.fmean(p["rows"][high]["psnr_db"] - p["rows"][low]["psnr_db"]
                                for p in photos)
        ssim_gain = statistics.fmean(p["rows"][high]["ssim"] - p["rows"][low]["ssim"]
                                     for p in photos)
        q_low, q_high = int(low.split()[0][1:]), int(high.split()[0][1:])
        found.append({"step": f"{low.split()[0]} -> {high.split()[0]}", "bytes_pct": growth,
                      "psnr_db": gain, "ssim": ssim_gain,
                      "bytes_pct_per_q": growth / (q_high - q_low),
                      "pct_per_db": growth / gain if gain > 0 else math.inf,
                      "ssim_per_10pct": 10 * ssim_gain / growth if growth > 0 else math.inf})
    return found


# --- tables -----------------------------------------------------------------------------------


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _db(value: float | None) -> str:
    return "identical" if value is None else f"{value:.2f}"


def big_table(photos: Sequence[dict[str, Any]]) -> list[str]:
    header = ["setting"]
    for p in photos:
        header += [f"{p['name']} MB", "CPU ms", "PSNR dB", "SSIM"]
    out = [_row(header), "|" + "---|" * len(header)]
    for label in labels(photos[0]):
        cells = [label]
        for p in photos:
            row = p["rows"][label]
            cells += [f"{row['bytes'] / 1e6:.2f}", f"{row['cpu_ms']['median']:.0f}",
                      _db(row["psnr_db"]), f"{row['ssim']:.5f}"]
        out.append(_row(cells))
    return out


def memory_table(memory: dict[str, Any]) -> list[str]:
    out = [_row(["setting", "peak RSS added MB", "output bytes"]), "|---|---|---|"]
    out += [_row([label, f"{row['peak_added_mb']:.1f}", f"{row['bytes']:,}"])
            for label, row in memory["rows"].items()]
    return out


def photo_table(photos: Sequence[dict[str, Any]]) -> list[str]:
    out = [_row(["photo", "what", "size", "original bytes", "original JPEG", "decode CPU ms"]),
           "|" + "---|" * 6]
    for p in photos:
        out.append(_row([p["name"], p["about"], f"{p['width']}x{p['height']}",
                         f"{p['bytes']:,}", f"q{p['quality']} {p['subsampling']} {p['frame']}",
                         f"{p['decode_cpu_ms']['median']:.1f}"]))
    return out


def summary_table(samples: Sequence[dict[str, Any]], cpu_photo: dict[str, Any]) -> list[str]:
    out = [_row(["setting", "bytes vs original", "bits/pixel", "PSNR dB", "SSIM (luma)",
                 "chroma PSNR dB", f"encode CPU ms ({cpu_photo['name']})"]), "|" + "---|" * 7]
    for label in labels(samples[0]):
        agg = aggregate(samples, label)
        cpu = cpu_photo["rows"][label]["cpu_ms"]["median"]
        out.append(_row([label, f"{agg['bytes_vs_original']:.3f}",
                         f"{agg['bits_per_pixel']:.2f}", _db(agg["psnr_db"]),
                         f"{agg['ssim']:.5f}", _db(agg["chroma_psnr_db"]), f"{cpu:.0f}"]))
    return out


def step_table(samples: Sequence[dict[str, Any]]) -> list[str]:
    out = [_row(["subsampling", "step", "bytes", "bytes per Q unit", "PSNR", "SSIM",
                 "% bytes per dB", "SSIM per +10% bytes"]), "|" + "---|" * 8]
    for subsampling in ("4:4:4", "4:2:0"):
        for step in steps(samples, subsampling):
            out.append(_row([subsampling, step["step"], f"{step['bytes_pct']:+.1f}%",
                             f"{step['bytes_pct_per_q']:+.1f}%", f"{step['psnr_db']:+.2f} dB",
                             f"{step['ssim']:+.5f}", f"{step['pct_per_db']:.1f}",
                             f"{step['ssim_per_10pct']:+.5f}"]))
    return out


def subsampling_table(samples: Sequence[dict[str, Any]]) -> list[str]:
    out = [_row(["Q", "bytes saved by 4:2:0", "PSNR", "SSIM (luma)", "chroma PSNR"]),
           "|" + "---|" * 5]
    qualities = sorted({int(label.split()[0][1:]) for label in labels(samples[0])})
    for q in qualities:
        full, sub = aggregate(samples, f"Q{q} 4:4:4"), aggregate(samples, f"Q{q} 4:2:0")
        saved = statistics.fmean(
            100 * (1 - p["rows"][f"Q{q} 4:2:0"]["bytes"] / p["rows"][f"Q{q} 4:4:4"]["bytes"])
            for p in samples)
        out.append(_row([f"Q{q}", f"{saved:.1f}%", _delta(sub["psnr_db"], full["psnr_db"]),
                         f"{sub['ssim'] - full['ssim']:+.5f}",
                         _delta(sub["chroma_psnr_db"], full["chroma_psnr_db"])]))
    return out


def _delta(value: float | None, base: float | None) -> str:
    return "-" if value is None or base is None else f"{value - base:+.2f} dB"


def generation_table(photos: Sequence[dict[str, Any]]) -> list[str]:
    out = []
    for subsampling in ("4:4:4", "4:2:0"):
        chosen = [label for label in labels(photos[0]) if label.endswith(subsampling)]
        out += [f"**{subsampling}**", "",
                _row(["photo", "original", "own", *[label.split()[0] for label in chosen]]),
                "|" + "---|" * (3 + len(chosen))]
        for p in photos:
            own = p["own"]
            cells = [_cell(p["rows"][label]) for label in chosen]
            out.append(_row([p["name"], f"q{p['quality']} {p['subsampling']}",
                             f"{_cell(own)} (Q{own['setting']['Q']})", *cells]))
        out.append("")
    return out[:-1]


def _cell(row: dict[str, Any]) -> str:
    return f"x{row['bytes_vs_original']:.2f}, {_db(row['psnr_db'])}"


def extras_table(samples: Sequence[dict[str, Any]], cpu_photo: dict[str, Any]) -> list[str]:
    """Each option against the plain setting at the same Q, and against the plain 4:4:4 curve
    at equal PSNR (what the Q knob alone would have cost for the same PSNR)."""
    base_label = f"Q{_extras_q(cpu_photo)} 4:4:4"
    out = [_row(["option", "bytes vs plain", "PSNR vs plain", "SSIM vs plain",
                 "bytes vs plain 4:4:4 at equal PSNR", f"CPU ms ({cpu_photo['name']})",
                 "CPU x plain"]), "|" + "---|" * 7]
    base_cpu = cpu_photo["rows"][base_label]["cpu_ms"]["median"]
    out.append(_row([f"{base_label} (plain: optimize_coding on)", "-", "-", "-", "-",
                     f"{base_cpu:.0f}", "1.00"]))
    for label in cpu_photo["extras"]:
        size, psnr_gap, ssim_gap, at_equal = [], [], [], []
        for p in samples:
            row, base = p["extras"][label], p["rows"][base_label]
            size.append(100 * (row["bytes"] / base["bytes"] - 1))
            psnr_gap.append(row["psnr_db"] - base["psnr_db"])
            ssim_gap.append(row["ssim"] - base["ssim"])
            curve = [(r["bytes"], r["psnr_db"]) for name, r in p["rows"].items()
                     if name.endswith("4:4:4")]
            needed = bytes_at_psnr(curve, row["psnr_db"])
            if needed:
                at_equal.append(100 * (row["bytes"] / needed - 1))
        cpu = cpu_photo["extras"][label]["cpu_ms"]["median"]
        equal = (f"{statistics.fmean(at_equal):+.1f}% ({len(at_equal)} of {len(samples)})"
                 if at_equal else "outside the curve")
        out.append(_row([label.split(" ", 2)[2], f"{statistics.fmean(size):+.1f}%",
                         f"{statistics.fmean(psnr_gap):+.2f} dB",
                         f"{statistics.fmean(ssim_gap):+.5f}", equal, f"{cpu:.0f}",
                         f"{cpu / base_cpu:.2f}"]))
    return out


def _extras_q(photo: dict[str, Any]) -> int:
    return int(next(iter(photo["extras"])).split()[0][1:])


def checks(photos: Sequence[dict[str, Any]]) -> list[str]:
    """One line: every output baseline, metadata-free and subsampled as asked, or the faults."""
    faults = [f"- {p['name']} {label}: {row['check']}" for p in photos
              for label, row in [*p["rows"].items(), *p["extras"].items()]
              if row["check"] != "ok"]
    count = sum(len(p["rows"]) + len(p["extras"]) for p in photos)
    if faults:
        return faults
    return [f"- all {count} outputs: baseline (SOF0), no APPn or COM segment (no JFIF, EXIF, "
            "XMP, ICC or IPTC), the chroma subsampling asked for."]


def detail_table(photo: dict[str, Any]) -> list[str]:
    out = [_row(["setting", "bytes", "vs original", "bits/pixel", "encode CPU ms (min-max)",
                 "CPU ms/MP", "PSNR dB", "SSIM", "chroma PSNR dB"]), "|" + "---|" * 9]
    rows = {**photo["rows"], **photo["extras"], f"own (Q{photo['own']['setting']['Q']})":
            photo["own"]}
    for label, row in rows.items():
        cpu = row["cpu_ms"]
        out.append(_row([label, f"{row['bytes']:,}", f"{row['bytes_vs_original']:.3f}",
                         f"{row['bits_per_pixel']:.2f}",
                         f"{cpu['median']:.1f} ({cpu['min']:.1f}-{cpu['max']:.1f})",
                         f"{row['cpu_ms_per_mp']:.1f}", _db(row["psnr_db"]),
                         f"{row['ssim']:.5f}", _db(row["chroma_psnr_db"])]))
    return out


NOTES = [
    "Path: the original decoded whole (jpegload, no shrink), ICC-tagged pictures to sRGB, "
    "8-bit sRGB (grey becomes three equal bands), alpha flattened on white, EXIF orientation "
    "applied, held in memory; then jpegsave_buffer(keep=\"none\", interlace off). Encode CPU "
    "starts from that in-memory image: decode is reported apart.",
    "CPU is process CPU (time.process_time) with VIPS_CONCURRENCY=1; every setting runs once "
    "to warm up, then the settings take turns for each round so machine noise lands on all; "
    "small photos are encoded several times a round (about 4 MP a round).",
    "PSNR: all three sRGB bands against the decoded original. SSIM: single-scale, 11-tap "
    "Gaussian window (sigma 1.5), K1 0.01, K2 0.03, on BT.601 luma, mean over the pixels whose "
    "window lies inside the image (bench/full_quality_metrics.py, checked against a plain "
    "Python version in tests/unit/bench). Chroma PSNR: the Cb and Cr planes together; luma "
    "SSIM cannot see chroma subsampling, this can. 'identical' means an infinite PSNR (a grey "
    "photo's chroma).",
    "Butteraugli (and other perceptual metrics such as SSIMULACRA 2) is not available: libvips "
    "has none and this environment has no package for it; no visual judgement here.",
    "The original's quality is estimated from its luma quantisation table (nearest scaled "
    "Annex K table); exact for libjpeg-family encoders.",
    "Photos: the local stack's seven samples (CC0 / public domain, NOTICE) are small "
    "(0.1-2 MP) but real; tests/images has only synthetic pictures, so its photo_image at "
    "24 MP is measured too, and one sample grown to 24 MP with Lanczos3 (smoother than a "
    "camera file) for CPU and bytes at a stock photo's size. Quality and bytes summaries use "
    "the seven samples.",
    "The two 24 MP inputs are made here as Q90 JPEGs and measured grid shifted too, so a Q90 "
    "re-encode cannot line up with them; they give CPU and bytes at a stock photo's size.",
    "Grid shifted: the decoded sample with 4 px cut off its left and top, so its old 8x8 "
    "blocks straddle the new ones; bytes vs original are then compared per pixel. Every "
    "sample is a q88 4:2:0 JPEG, and a re-encode at exactly Q88 4:2:0 on the same grid "
    "requantises coefficients that already sit on its steps: almost lossless, a case real "
    "uploads (other encoders' tables, other qualities) rarely hit.",
    "\"Equal PSNR\" for encoder options: the bytes plain 4:4:4 would need for the same PSNR, "
    "interpolated linearly in PSNR against log(bytes) between the two nearest Q; a photo "
    "outside the measured Q range is left out (the count says how many stayed).",
]

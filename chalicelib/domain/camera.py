"""Camera facts from EXIF: make and model, lens, focal length, aperture, exposure, ISO, date.

Input is an allow-list of raw tag values (`TAGS`) as the imaging engine read them; GPS, serial
numbers and names are never asked for, so they cannot come through. Every value is checked and
normalised here; anything unreadable or implausible is dropped, never an error."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from fractions import Fraction
from typing import Any

# The only EXIF tags read (IFD0 and the Exif IFD); the engine returns nothing else.
TAGS = ("Make", "Model", "LensModel", "FocalLength", "FNumber", "ExposureTime",
        "ISOSpeedRatings", "PhotographicSensitivity", "DateTimeOriginal", "OffsetTimeOriginal")
DEFAULT_TEXT_CHARS = 64
# Plausible ranges: a value outside is a broken or hostile tag, not a photo's.
_FOCAL_MM = (0.5, 5_000.0)
_F_NUMBER = (0.5, 128.0)
_EXPOSURE_S = (1e-6, 3_600.0)
_ISO = (1, 10_000_000)
_RATIONAL = re.compile(r"\s*(-?\d{1,10})(?:\s*/\s*(\d{1,10}))?\s*")
_DECIMAL = re.compile(r"\s*(\d{1,6}(?:\.\d{1,6})?)\s*")
_OFFSET = re.compile(r"[+-](?:0\d|1[0-4]):[0-5]\d")
_EXIF_DATE = "%Y:%m:%d %H:%M:%S"


@dataclass(frozen=True)
class Camera:
    """What the photo's EXIF says about how it was taken; "" / None where it says nothing."""

    make: str = ""
    model: str = ""  # the camera's name as shown and searched: the make never twice
    lens: str = ""
    focal_mm: float | None = None
    f_number: float | None = None
    exposure: str = ""  # "1/200" below a second, else seconds ("2.5")
    exposure_s: float | None = None
    iso: int | None = None
    taken_at: str = ""  # ISO 8601, local time as the camera kept it; an offset only if given

    @property
    def name(self) -> str:
        """What the photo was taken with, as searched and faceted: the model, else the make."""
        return self.model or self.make

    @property
    def empty(self) -> bool:
        """True when EXIF gave nothing usable."""
        return self == Camera()

    def as_json(self) -> dict[str, Any]:
        """The stored and served form: only the facts that are known."""
        return {k: v for k, v in asdict(self).items() if v not in ("", None)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> Camera | None:
        """Back from `as_json` (numbers may come back as Decimal or str); None when empty."""
        if not data:
            return None
        known = {f.name: f.type for f in fields(cls)}
        values: dict[str, Any] = {}
        for name, value in data.items():
            if name in known and value not in ("", None):
                kind = known[name]
                values[name] = (int(value) if "int" in str(kind) else
                                float(value) if "float" in str(kind) else str(value))
        found = cls(**values)
        return None if found.empty else found


def camera_from_exif(tags: Mapping[str, str], max_chars: int = DEFAULT_TEXT_CHARS) -> Camera | None:
    """Normalised facts from raw tag values (rationals as "n/d"); None when none is usable."""
    make = clean_text(tags.get("Make", ""), max_chars)
    exposure = _exposure(tags.get("ExposureTime", ""))
    iso = tags.get("ISOSpeedRatings") or tags.get("PhotographicSensitivity") or ""
    found = Camera(
        make=make,
        model=camera_name(make, clean_text(tags.get("Model", ""), max_chars), max_chars),
        lens=clean_text(tags.get("LensModel", ""), max_chars),
        focal_mm=_ranged(_number(tags.get("FocalLength", "")), _FOCAL_MM, 1),
        f_number=_ranged(_number(tags.get("FNumber", "")), _F_NUMBER, 1),
        exposure=exposure[0],
        exposure_s=exposure[1],
        iso=_iso(iso),
        taken_at=taken_at(tags.get("DateTimeOriginal", ""), tags.get("OffsetTimeOriginal", "")),
    )
    return None if found.empty else found


def clean_text(raw: str, max_chars: int) -> str:
    """NFC, control characters out, spaces collapsed, at most `max_chars`."""
    text = "".join(c if unicodedata.category(c)[0] != "C" else " "
                   for c in unicodedata.normalize("NFC", raw))
    return " ".join(text.split())[:max_chars].strip()


def camera_name(make: str, model: str, max_chars: int = DEFAULT_TEXT_CHARS) -> str:
    """The model, led by the make unless the model already names it ("Canon Canon EOS 5D"
    and make "Canon" + model "Canon EOS 5D" are both "Canon EOS 5D"; "NIKON CORPORATION" +
    "NIKON D850" is "NIKON D850")."""
    if not model:
        return ""
    make_words = {w.lower() for w in make.split()}
    words = model.split()
    if make_words and words[0].lower() not in make_words:
        words = [make.split()[0], *words]
    deduped = [w for i, w in enumerate(words) if i == 0 or w.lower() != words[i - 1].lower()]
    return " ".join(deduped)[:max_chars].strip()


def _number(raw: str) -> float | None:
    fraction = _fraction(raw)
    return float(fraction) if fraction is not None else None


def _fraction(raw: str) -> Fraction | None:
    """"n/d", "n" or "n.m" (the first value of a list); None for anything else or d == 0."""
    first = (raw.split() or [""])[0]
    match = _RATIONAL.fullmatch(first)
    if match:
        numerator, denominator = int(match.group(1)), int(match.group(2) or 1)
        return Fraction(numerator, denominator) if denominator else None
    decimal = _DECIMAL.fullmatch(first)
    return Fraction(decimal.group(1)) if decimal else None


def _ranged(value: float | None, bounds: tuple[float, float], digits: int) -> float | None:
    if value is None or not bounds[0] <= value <= bounds[1]:
        return None
    return round(value, digits)


def _exposure(raw: str) -> tuple[str, float | None]:
    """("1/200", 0.005) below a second (as the camera's fraction), ("2.5", 2.5) above."""
    fraction = _fraction(raw)
    if fraction is None or not _EXPOSURE_S[0] <= fraction <= _EXPOSURE_S[1]:
        return "", None
    seconds = float(fraction)
    if fraction < 1:
        # Reduced: a camera's 10/2000 is shown 1/200; 3/10 stays 3/10.
        return f"{fraction.numerator}/{fraction.denominator}", round(seconds, 6)
    return f"{seconds:g}", round(seconds, 6)


def _iso(raw: str) -> int | None:
    value = _number(raw)
    if value is None or value != int(value) or not _ISO[0] <= value <= _ISO[1]:
        return None
    return int(value)


def taken_at(raw: str, offset: str = "") -> str:
    """EXIF's "YYYY:MM:DD HH:MM:SS" as ISO 8601; the offset only when the camera wrote one
    (no timezone is ever assumed); "" when not a real moment."""
    try:
        moment = datetime.strptime(raw.strip()[:19], _EXIF_DATE)
    except ValueError:
        return ""
    if moment.year < 1826:  # older than any photograph: a camera's unset clock
        return ""
    stamp = moment.isoformat()
    offset = offset.strip()
    return stamp + offset if _OFFSET.fullmatch(offset) else stamp

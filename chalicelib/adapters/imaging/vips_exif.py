"""Camera tags from the EXIF libvips already parses with every header (libexif).

libvips shows each tag as `exif-ifd<N>-<Name>` holding "<raw value> (<libexif's text>,
<type>, <n> components, <m> bytes)": the raw value keeps rationals exact ("1/200", "28/10").
Only the allow-listed tags of IFD0 and the Exif IFD are read: GPS (ifd3), serial numbers and
names are never asked for. Nothing here can reject an upload: any failure is "no tags".
"""

from __future__ import annotations

import re
from typing import Any

from chalicelib.adapters.imaging.vips_master import LOADERS
from chalicelib.adapters.imaging.vips_runtime import pyvips_module
from chalicelib.domain.camera import TAGS

# Which IFD each tag lives in: IFD0 (0) or the Exif IFD (2).
_IFDS = {"Make": 0, "Model": 0}
_SUFFIX = re.compile(r" \((.*), ([A-Za-z ]+), (\d+) components, (\d+) bytes\)", re.DOTALL)
# A tag's string is bounded (libvips shows at most a few KB); longer means damage.
MAX_VALUE_CHARS = 4_096


def camera_tags(data: bytes, fmt: str) -> dict[str, str]:
    """Raw values of `domain.camera.TAGS` from the header of `data` (decoded by `fmt`'s
    loader); {} without EXIF, or when anything about it cannot be read."""
    loader = LOADERS.get(fmt)
    if loader is None:
        return {}
    pv = pyvips_module()
    try:
        header = getattr(pv.Image, loader)(data, access="sequential", fail_on="truncated")
        return _tags(header)
    except (pv.Error, ValueError, TypeError, UnicodeError):
        return {}


def _tags(header: Any) -> dict[str, str]:
    present = set(header.get_fields())
    found: dict[str, str] = {}
    for name in TAGS:
        field = f"exif-ifd{_IFDS.get(name, 2)}-{name}"
        if field in present and header.get_typeof(field):
            value = raw_value(str(header.get(field)))
            if value:
                found[name] = value
    return found


def raw_value(shown: str) -> str:
    """The raw value in libvips' "<raw> (<text>, <type>, n components, m bytes)"; for text
    tags raw and text are equal, which finds the split even when the value holds " (" too."""
    if len(shown) > MAX_VALUE_CHARS:
        return ""
    first = None
    for start in (i for i in range(len(shown)) if shown.startswith(" (", i)):
        match = _SUFFIX.fullmatch(shown, start)
        if match is None:
            continue
        if shown[:start] == match.group(1):
            return shown[:start]
        first = start if first is None else first
    return shown[:first] if first is not None else shown

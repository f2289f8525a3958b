"""Public display names (the photo credit): how they are shown, compared and refused.

Two names are the same name when their `name_key`s are equal: Unicode compatibility forms
folded (NFKC), invisible format characters dropped, Cyrillic and Greek look-alikes mapped to
the Latin letters they imitate, case folded, and every run of spaces or punctuation made one
space. A name is reserved when it, its key with digits read as letters (adm1n), or its key
without spaces is a reserved name, or starts or ends with one as a separate word
("Admin team", "Stock Images Support").
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.text import valid_text

MAX_DISPLAY_NAME_CHARS = 80
RESERVED_NAMES: tuple[str, ...] = (
    "admin", "administrator", "moderator", "staff", "support", "official", "anonymous",
    "security", "verified", "help desk",
)

# Letters that render like Latin ones (the frequent impersonation tricks), to that letter;
# written as code points so the source shows which script each one is.
_LOOK_ALIKES = str.maketrans({
    # Cyrillic: a ve ie io ka em en o er es te u ha dze i yi je shha komi-de palochka qa we
    "\u0430": "a", "\u0432": "b", "\u0435": "e", "\u0451": "e", "\u043a": "k", "\u043c": "m",
    "\u043d": "h", "\u043e": "o", "\u0440": "p", "\u0441": "c", "\u0442": "t", "\u0443": "y",
    "\u0445": "x", "\u0455": "s", "\u0456": "i", "\u0457": "i", "\u0458": "j", "\u04bb": "h",
    "\u0501": "d", "\u04cf": "l", "\u051b": "q", "\u051d": "w",
    # Greek: alpha beta epsilon eta iota kappa nu omicron rho tau upsilon chi gamma omega
    "\u03b1": "a", "\u03b2": "b", "\u03b5": "e", "\u03b7": "n", "\u03b9": "i", "\u03ba": "k",
    "\u03bd": "v", "\u03bf": "o", "\u03c1": "p", "\u03c4": "t", "\u03c5": "u", "\u03c7": "x",
    "\u03b3": "y", "\u03c9": "w",
})
# Digits and symbols read as letters, for the reserved-name check only (a real name may
# hold digits: "R2 Photo" and "R2 photo" are one name, "R2" and "RZ" are two).
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "l": "i",
                       "@": "a", "$": "s"})


@dataclass(frozen=True)
class DisplayName:
    """A name a user asked for: as it will be shown, and the key that makes it unique."""

    shown: str
    key: str


def shown_form(raw: str) -> str:
    """The name as it will be shown: compatibility forms folded, invisible characters
    dropped, whitespace collapsed."""
    folded = unicodedata.normalize("NFKC", raw)
    visible = "".join(" " if ch.isspace() else ch for ch in folded
                      if ch.isspace() or unicodedata.category(ch) not in ("Cf", "Cc"))
    return " ".join(visible.split())


def name_key(raw: str) -> str:
    """What two names must differ in to be two names (see the module docstring)."""
    lowered = shown_form(raw).casefold().translate(_LOOK_ALIKES)
    # NFKD then drop marks: "Ádmin" and "Admin" are one name.
    bare = "".join(ch for ch in unicodedata.normalize("NFKD", lowered)
                   if not unicodedata.combining(ch))
    words = "".join(ch if ch.isalnum() else " " for ch in bare)
    return " ".join(words.split())


def is_reserved(raw: str, extra: Iterable[str] = ()) -> bool:
    """True when the name is, starts with or ends with a reserved name (any of its forms)."""
    key = name_key(raw)
    forms = {key, key.translate(_LEET)}
    reserved = {name_key(name) for name in (*RESERVED_NAMES, *extra) if name_key(name)}
    for form in forms:
        compact = form.replace(" ", "")
        for name in reserved:
            if compact == name.replace(" ", "") or form.startswith(f"{name} ") \
                    or form.endswith(f" {name}"):
                return True
    return False


def parse_display_name(raw: object, site_name: str, extra: Iterable[str] = ()) -> DisplayName:
    """A name the user may ask for, or InvalidInput saying in plain words why not."""
    if not isinstance(raw, str):
        raise InvalidInput("invalid_display_name", "Send your public name as text.")
    shown = shown_form(valid_text(raw, "public name"))
    key = name_key(shown)
    if not key:
        raise InvalidInput("invalid_display_name",
                           "Your public name needs at least one letter or digit.")
    if len(shown) > MAX_DISPLAY_NAME_CHARS:
        raise InvalidInput("invalid_display_name",
                           f"Keep your public name to {MAX_DISPLAY_NAME_CHARS} characters.")
    if is_reserved(shown, (site_name, *extra)):
        raise InvalidInput("display_name_reserved",
                           f"“{shown}” could be mistaken for the site's own staff or"
                           " accounts: choose a name of your own.")
    return DisplayName(shown, key)

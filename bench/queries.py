"""The fixed query mix, as the HTTP parameters a browser would send to /api/search.

Every backend (engine, HTTP, SQLite FTS5) runs the same parameters, so their numbers compare.
What people search for is skewed like what they tag, so words are drawn by the tag law;
two-word queries come from real documents, so they have hits.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from bench.corpus import COLORS, Vocabulary
from chalicelib.domain.search import SearchDoc

ORIENTATIONS = ("landscape", "portrait", "square")
DEEP_PAGES = 40  # 40 pages of 24: results 961-984, just under OpenSearch's 1,000 window
DEEP_WORDS = 12  # deep pages are asked of words common enough to have that many hits


@dataclass(frozen=True)
class Probe:
    """One query of the mix: its kind, its parameters, and how many pages deep it starts."""

    kind: str
    params: dict[str, str] = field(hash=False)
    depth: int = 0


def mix(words: Vocabulary, sample: Sequence[SearchDoc], per_kind: int, seed: int) -> list[Probe]:
    """`per_kind` probes of every kind, deterministic for a seed, in a shuffled order."""
    rng = random.Random(seed)
    content = set(words.content)
    makers = {
        "one word": lambda: {"q": _word(rng, words)},
        "two words + filter": lambda: _two_words(rng, rng.choice(sample)),
        "prefix (1-3 letters)": lambda: {"q": _word(rng, words)[: rng.choice((1, 2, 3))]},
        "typo -> fuzzy retry": lambda: {"q": _typo(rng, words, content)},
        "tag filter": lambda: {"tags": _word(rng, words)},
        "orientation filter": lambda: {"orientation": rng.choice(ORIENTATIONS)},
        "colour filter": lambda: {"color": rng.choice(list(COLORS))},
        "word, sort newest": lambda: {"q": _word(rng, words), "sort": "newest"},
        "word, sort popular": lambda: {"q": _word(rng, words), "sort": "popular"},
    }
    probes = [Probe(kind, make()) for kind, make in makers.items() for _ in range(per_kind)]
    common = words.tags.items[:DEEP_WORDS]
    for sort in ("relevance", "newest"):
        probes += [
            Probe(f"deep page ({sort})", {"q": rng.choice(common), "sort": sort}, DEEP_PAGES)
            for _ in range(per_kind)
        ]
    rng.shuffle(probes)
    return probes


def kinds(probes: Sequence[Probe]) -> list[str]:
    """The kinds in a stable order (as the mix defines them)."""
    return sorted({p.kind for p in probes}, key=lambda kind: KIND_ORDER.index(kind))


KIND_ORDER = ["one word", "two words + filter", "prefix (1-3 letters)", "typo -> fuzzy retry",
              "tag filter", "orientation filter", "colour filter", "word, sort newest",
              "word, sort popular", "deep page (relevance)", "deep page (newest)"]  # fmt: skip


def _word(rng: random.Random, words: Vocabulary) -> str:
    return words.tags.draw(rng, 1)[0]


def _two_words(rng: random.Random, doc: SearchDoc) -> dict[str, str]:
    title_word = rng.choice([w for w in doc.title.lower().split() if len(w) >= 3])
    params = {"q": f"{title_word} {rng.choice(doc.tags)}"}
    if rng.random() < 0.5:
        params["orientation"] = doc.orientation
    else:
        params["color"] = doc.color
    return params


def _typo(rng: random.Random, words: Vocabulary, content: set[str]) -> str:
    """A common word mistyped (two letters swapped, or one replaced) into a non-word.

    The result must not be a word or the start of one (the last word also matches as a
    prefix), so the exact search finds nothing and the service retries with typo tolerance.
    """
    while True:
        word = _word(rng, words)
        if len(word) < 4:
            continue
        i = rng.randrange(1, len(word) - 1)
        if rng.random() < 0.5:
            typo = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        else:
            typo = word[:i] + rng.choice("bcdfghjklmnpqrstvwxz") + word[i + 1 :]
        if typo not in content and not any(w.startswith(typo) for w in content):
            return typo

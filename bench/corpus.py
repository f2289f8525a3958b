"""A deterministic catalogue of realistic stock-photo documents for the search benchmark.

Words come from wordfreq's English list (real frequencies from subtitles, news, books, the
web), so common words are common here too: title words are drawn in proportion to how often
English uses them, tags by a Zipf law over the same ranking (real tag systems follow one,
with an exponent near 1), descriptions from the whole list including function words.
"""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from chalicelib.domain.model import Rendition
from chalicelib.domain.search import SearchDoc

SEED = 20261127
VOCABULARY_SIZE = 30_000
TAG_VOCABULARY = 10_000
TAG_EXPONENT = 1.0
# Zipf-Mandelbrot: 1 / (rank + shift)**exponent. The shift flattens the head so the top tag
# sits on about one photo in ten, as the most used tags of photo sites do, not on half.
TAG_SHIFT = 10
OWNERS = 2_000
FIRST_UPLOAD = 1_640_995_200  # 2022-01-01T00:00:00Z
RENDITIONS = (("thumb", 200), ("small", 400), ("regular", 1080), ("large", 2048))
SIZES = ((6000, 4000), (5472, 3648), (4000, 6000), (3648, 5472), (4000, 4000), (1920, 1080),
         (3000, 2000), (2000, 3000), (1080, 1080))  # fmt: skip
# Photographs lean dark, neutral and blue; violet and turquoise are rare.
COLORS = {"black": 16, "gray": 14, "white": 12, "blue": 12, "brown": 10, "green": 9,
          "orange": 6, "red": 6, "yellow": 5, "pink": 4, "turquoise": 3, "violet": 3}  # fmt: skip
CONNECTORS = ("in the", "on the", "at", "and", "of", "with", "by the", "under", "near")
# Words nobody types into a photo search (written here, not taken from a package).
_FUNCTION_TEXT = """
a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from
further had has have having he her here hers him his how i if in into is it its just me more
most my no nor not now of off on once only or other our out over own same she should so some
such than that the their them then there these they this those through to too under until up
very was we were what when where which while who whom why will with would you your yours
get got like one two three yes lot much many thing things really
"""
FUNCTION_WORDS = frozenset(_FUNCTION_TEXT.split())


class Zipf:
    """Draws items with probability proportional to the given weights (cumulative table)."""

    def __init__(self, items: Sequence[str], weights: Sequence[float]) -> None:
        self.items = list(items)
        self.cumulative = list(itertools.accumulate(weights))

    @classmethod
    def by_rank(cls, items: Sequence[str], exponent: float, shift: float = 0) -> Zipf:
        """Weight 1 / (rank + shift)**exponent: the first item is the most frequent."""
        return cls(items, [1 / (rank + shift) ** exponent for rank in range(1, len(items) + 1)])

    def draw(self, rng: random.Random, k: int) -> list[str]:
        """k items, with replacement."""
        return rng.choices(self.items, cum_weights=self.cumulative, k=k)


@dataclass(frozen=True)
class Vocabulary:
    """English words most frequent first, and the three ways documents draw from them."""

    content: list[str]  # no function words, 3+ ASCII letters
    titles: Zipf  # content words by their real frequency
    tags: Zipf  # the top content words by rank**-1
    text: Zipf  # every word by real frequency (descriptions)


def vocabulary() -> Vocabulary:
    """The vocabulary from wordfreq's English frequencies."""
    import wordfreq

    frequencies = wordfreq.get_frequency_dict("en")
    top = [w for w in itertools.islice(frequencies, VOCABULARY_SIZE) if w.isascii() and w.isalpha()]
    content = [w for w in top if len(w) >= 3 and w not in FUNCTION_WORDS]
    return Vocabulary(
        content=content,
        titles=Zipf(content, [frequencies[w] for w in content]),
        tags=Zipf.by_rank(content[:TAG_VOCABULARY], TAG_EXPONENT, TAG_SHIFT),
        text=Zipf(top, [frequencies[w] for w in top]),
    )


def documents(size: int, words: Vocabulary, seed: int = SEED) -> Iterator[SearchDoc]:
    """`size` documents, the same ones for the same seed, oldest first."""
    rng = random.Random(seed)
    owners = Zipf.by_rank([f"owner-{n:04d}" for n in range(OWNERS)], 0.8)
    colors = Zipf(list(COLORS), list(COLORS.values()))
    spacing = 3 * 365 * 86_400 / max(size, 1)  # three years of uploads
    for n in range(size):
        image_id = f"{rng.getrandbits(128):032x}"
        title = _title(rng, words)
        width, height = rng.choice(SIZES)
        owner = owners.draw(rng, 1)[0]
        created = time.gmtime(FIRST_UPLOAD + n * spacing + rng.random() * spacing)
        yield SearchDoc(
            image_id=image_id, version=rng.randint(1, 3), title=title,
            description=" ".join(words.text.draw(rng, rng.randint(8, 30))).capitalize() + ".",
            tags=_tags(rng, words, title), owner=owner, owner_name=owner.replace("-", " ").title(),
            created_at=time.strftime("%Y-%m-%dT%H:%M:%S", created) + f".{n % 10**6:06d}Z",
            width=width, height=height, orientation=_orientation(width, height),
            color=colors.draw(rng, 1)[0], color_hex=f"#{rng.getrandbits(24):06x}",
            blurhash=f"L{rng.getrandbits(128):032x}"[:28],
            popularity=int(rng.paretovariate(1.2)) - 1,
            renditions=_renditions(image_id, width, height),
        )


def describe(docs: Sequence[SearchDoc]) -> dict[str, object]:
    """Where the words came from and how the tags ended up distributed."""
    from collections import Counter
    from importlib.metadata import version

    tags = Counter(tag for doc in docs for tag in doc.tags)
    top, top_count = tags.most_common(1)[0] if tags else ("", 0)
    return {
        "words": f"wordfreq {version('wordfreq')} English, top {VOCABULARY_SIZE:,} words",
        "tag_law": f"1/(rank+{TAG_SHIFT})^{TAG_EXPONENT} over {TAG_VOCABULARY:,} content words",
        "distinct_tags": len(tags),
        "tags_per_doc": round(sum(tags.values()) / max(len(docs), 1), 2),
        "top_tag": f"{top} on {top_count / max(len(docs), 1):.1%} of documents",
    }


def _title(rng: random.Random, words: Vocabulary) -> str:
    picked = words.titles.draw(rng, rng.randint(2, 6))
    parts = [picked[0]]
    for word in picked[1:]:
        if rng.random() < 0.3:
            parts.append(rng.choice(CONNECTORS))
        parts.append(word)
    return " ".join(parts).capitalize()


def _tags(rng: random.Random, words: Vocabulary, title: str) -> tuple[str, ...]:
    tags = words.tags.draw(rng, rng.randint(3, 12))
    if rng.random() < 0.5:
        # Photographers tag the subject they named in the title.
        tags.insert(0, rng.choice([w for w in title.lower().split() if w not in FUNCTION_WORDS]))
    return tuple(dict.fromkeys(tags))


def _orientation(width: int, height: int) -> str:
    if width == height:
        return "square"
    return "landscape" if width > height else "portrait"


def _renditions(image_id: str, width: int, height: int) -> dict[str, Rendition]:
    return {
        name: Rendition(name, f"{image_id}/{name}.webp", wide, height * wide // width, "webp",
                        wide * wide // 9)
        for name, wide in RENDITIONS
    }

"""Fill a fresh local stack for the load run: the sample photos through the real pipeline, then
synthetic documents (bench/corpus.py) added to its search index, so searches have depth."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import requests

from bench import corpus
from chalicelib.adapters.search.embedded import EmbeddedSearchIndex
from chalicelib.domain.search import Change, SearchDoc
from infra.local.seed import SAMPLES_DIR, load_manifest, seed_samples

APPLY_BATCH = 1_000
QUERY_WORDS = 2_000  # the most used tags queries are drawn from (wordfreq vocabulary)
# Photo words of our own for when wordfreq (a bench-only package) is not installed.
_PHOTO_TEXT = """
mountain river forest beach ocean city street night sunset sunrise snow winter summer autumn
spring flower garden tree leaf bird dog cat horse portrait family child people market coffee
food bread fruit kitchen table window door bridge tower church castle train station road car
bicycle boat harbour island lake desert cloud storm rain light shadow reflection museum art
music concert dance sport football runner stadium office desk laptop phone book library school
space rocket launch planet star galaxy moon telescope science microscope cell camera studio
"""
PHOTO_WORDS = _PHOTO_TEXT.split()


def vocabulary() -> tuple[corpus.Vocabulary, str]:
    """wordfreq's English vocabulary when installed (`make bench`), else a small one of ours."""
    try:
        return corpus.vocabulary(), "wordfreq English (the search benchmark's corpus)"
    except ImportError:
        words = _sample_words() + PHOTO_WORDS
        content = list(dict.fromkeys(w for w in words if len(w) >= 3
                                     and w not in corpus.FUNCTION_WORDS))
        return corpus.Vocabulary(
            content=content, titles=corpus.Zipf.by_rank(content, 1.0),
            tags=corpus.Zipf.by_rank(content, corpus.TAG_EXPONENT, corpus.TAG_SHIFT),
            text=corpus.Zipf.by_rank(list(dict.fromkeys(words)), 1.0),
        ), f"{len(content)} words of the sample manifest and our own (wordfreq not installed)"


def query_words(words: corpus.Vocabulary) -> list[str]:
    """The words queries and suggestions are drawn from: tags the documents really carry."""
    return words.tags.items[:QUERY_WORDS]


def _sample_words() -> list[str]:
    text = " ".join(f"{s.title} {s.description} {' '.join(s.tags)}" for s in load_manifest())
    return [w.strip(".,#()'\"").lower() for w in text.split() if w.strip(".,#()'\"").isalpha()]


def seed_photos(base_url: str, stack: dict[str, Any], folder: Path = SAMPLES_DIR) -> list[str]:
    """Upload the sample photos over HTTP; the ids of the images search then finds."""
    seed_samples(base_url, stack["moto_endpoint"], stack["env"], folder)
    answer = requests.get(f"{base_url.rstrip('/')}/api/search", params={"per_page": "100"},
                          timeout=30)
    answer.raise_for_status()
    return [str(hit["id"]) for hit in answer.json()["results"]]


def add_documents(stack: dict[str, Any], docs: Iterator[SearchDoc]) -> int:
    """Apply synthetic documents to the stack's index (beside what it holds); how many."""
    index = EmbeddedSearchIndex(Path(stack["env"]["SEARCH_INDEX_PATH"]))
    count, batch = 0, []
    for doc in docs:
        batch.append(Change(doc.image_id, doc.version, doc))
        if len(batch) == APPLY_BATCH:
            count += _apply(index, batch)
    return count + _apply(index, batch)


def _apply(index: EmbeddedSearchIndex, batch: list[Change]) -> int:
    index.apply(batch)
    applied = len(batch)
    batch.clear()
    return applied

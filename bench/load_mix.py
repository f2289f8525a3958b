"""What the load run's clients ask for: a weighted mix of searches, suggestions and image reads.

Deterministic for a seed. A search that has a next page is followed with its cursor (same
parameters plus `cursor`, as the web app pages) half of the time.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

ORIENTATIONS = ("landscape", "portrait", "square")
COLORS = ("black", "gray", "white", "blue", "brown", "green", "orange", "red", "yellow")
SORTS = ("newest", "popular")
# Drawn kinds and their weights; "search: next page" only follows a search with a cursor.
WEIGHTS = {"search: words": 25, "search: filters": 15, "search: sorted": 10, "suggest": 25,
           "image": 25}  # fmt: skip
NEXT_PAGE = "search: next page"
FOLLOW_SHARE = 0.5
KINDS = (*WEIGHTS, NEXT_PAGE)


@dataclass(frozen=True)
class Request:
    """One GET: its kind (for the statistics), path and query parameters."""

    kind: str
    path: str
    params: dict[str, str] = field(default_factory=dict)


class Mix:
    """Draws requests from words the index holds and ids of images that are ready."""

    def __init__(self, words: Sequence[str], image_ids: Sequence[str], seed: int) -> None:
        if not words or not image_ids:
            raise ValueError("the mix needs at least one word and one ready image id")
        self.words, self.image_ids = list(words), list(image_ids)
        self.rng = random.Random(seed)
        self._kinds, self._weights = list(WEIGHTS), list(WEIGHTS.values())

    def draw(self) -> Request:
        """The next request of the mix."""
        kind = self.rng.choices(self._kinds, weights=self._weights)[0]
        if kind == "image":
            return Request(kind, f"/api/images/{self.rng.choice(self.image_ids)}")
        if kind == "suggest":
            word = self._word()
            return Request(kind, "/api/suggest", {"q": word[: self.rng.randint(1, len(word))]})
        return Request(kind, "/api/search", self._search_params(kind))

    def follow(self, request: Request, answer: Mapping[str, Any]) -> Request | None:
        """The next page of a search answer, half of the time when it has one."""
        cursor = answer.get("next_cursor") if request.path == "/api/search" else None
        if not cursor or self.rng.random() >= FOLLOW_SHARE:
            return None
        return Request(NEXT_PAGE, request.path, {**request.params, "cursor": str(cursor)})

    def _search_params(self, kind: str) -> dict[str, str]:
        if kind == "search: words":
            return {"q": " ".join(self._word() for _ in range(self.rng.choice((1, 1, 2))))}
        if kind == "search: sorted":
            params = {"sort": self.rng.choice(SORTS)}
            return {**params, "q": self._word()} if self.rng.random() < 0.5 else params
        return self._filters()

    def _filters(self) -> dict[str, str]:
        choice = self.rng.randrange(3)
        params = ({"orientation": self.rng.choice(ORIENTATIONS)} if choice == 0 else
                  {"color": self.rng.choice(COLORS)} if choice == 1 else {"tags": self._word()})
        return {**params, "q": self._word()} if self.rng.random() < 0.5 else params

    def _word(self) -> str:
        return self.rng.choice(self.words)

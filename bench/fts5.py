"""The baseline: the same documents and query mix on a plain SQLite FTS5 index.

FTS5 (porter stemmer, bm25 with title/tags/description weights 3/2/1) ranks a page; the
total, the orientation and colour facets (each without its own filter) and the top 20 tags
are GROUP BY queries over the match, as a straightforward SQL service would do them. FTS5 has
no typo tolerance, so the typo kind runs the exact search only. Deep pages use OFFSET.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import asdict

from bench.backends import Answer
from bench.queries import Probe
from chalicelib.domain.search import (
    DEFAULT_PER_PAGE,
    FACET_TAGS,
    MAX_PER_PAGE,
    SearchDoc,
    SearchQuery,
    Sort,
)
from chalicelib.domain.search.query import parse_search

SCHEMA = """
CREATE TABLE docs(id INTEGER PRIMARY KEY, image_id TEXT, orientation TEXT, color TEXT,
                  created TEXT, popularity INTEGER, doc TEXT);
CREATE TABLE tags(doc INTEGER, tag TEXT);
CREATE VIRTUAL TABLE words USING fts5(title, tags, description, tokenize='porter unicode61');
"""
INDEXES = """
CREATE INDEX tags_by_tag ON tags(tag, doc);
CREATE INDEX tags_by_doc ON tags(doc, tag);
CREATE INDEX docs_created ON docs(created DESC, image_id);
CREATE INDEX docs_popular ON docs(popularity DESC, created DESC, image_id);
"""
ORDERS = {
    Sort.RELEVANCE: "bm25(words, 3.0, 2.0, 1.0), d.image_id",
    Sort.NEWEST: "d.created DESC, d.image_id",
    Sort.POPULAR: "d.popularity DESC, d.created DESC, d.image_id",
}


class Fts5:
    """An in-memory FTS5 index answering /api/search parameters."""

    name = family = "SQLite FTS5"

    def __init__(self) -> None:
        self.db = sqlite3.connect(":memory:")
        self.db.executescript(SCHEMA)

    def load(self, docs: Iterable[SearchDoc]) -> int:
        """Insert every document, then build the secondary indexes; returns the count."""
        count = 0
        with self.db:
            for n, doc in enumerate(docs, start=1):
                self.db.execute(
                    "INSERT INTO docs VALUES (?,?,?,?,?,?,?)",
                    (n, doc.image_id, doc.orientation, doc.color, doc.created_at,
                     doc.popularity, json.dumps(asdict(doc))))
                self.db.executemany("INSERT INTO tags VALUES (?,?)", [(n, t) for t in doc.tags])
                self.db.execute("INSERT INTO words(rowid, title, tags, description) "
                                "VALUES (?,?,?,?)",
                                (n, doc.title, " ".join(doc.tags), doc.description))
                count = n
            self.db.executescript(INDEXES)
        return count

    def jump(self, probe: Probe) -> tuple[dict[str, str], int]:
        """A deep page is just an offset here: no walk needed."""
        per_page = int(probe.params.get("per_page") or DEFAULT_PER_PAGE)
        return {**probe.params, "cursor": str(probe.depth * per_page)}, probe.depth

    def search(self, params: dict[str, str]) -> Answer:
        """A page, the total and the facets; the cursor is an offset."""
        query = parse_search({k: v for k, v in params.items() if k != "cursor"})
        offset = int(params.get("cursor") or 0)
        size = min(query.per_page, MAX_PER_PAGE)
        where, args = _where(query)
        source = "words JOIN docs d ON d.id = words.rowid" if query.words else "docs d"
        rows = self.db.execute(
            f"SELECT d.doc FROM {source} WHERE {where} ORDER BY {ORDERS[query.sort]} "
            "LIMIT ? OFFSET ?", [*args, size + 1, offset]).fetchall()
        for (doc,) in rows[:size]:
            json.loads(doc)  # hydrate the page, as the engine does
        total = self.db.execute(f"SELECT count(*) FROM {source} WHERE {where}", args).fetchone()[0]
        for name in ("orientation", "color"):
            others, other_args = _where(query, skip=name)
            self.db.execute(f"SELECT d.{name}, count(*) FROM {source} WHERE {others} "
                            f"GROUP BY d.{name}", other_args).fetchall()
        self.db.execute(f"SELECT tag, count(*) AS c FROM tags WHERE doc IN "
                        f"(SELECT d.id FROM {source} WHERE {where}) "
                        "GROUP BY tag ORDER BY c DESC LIMIT ?", [*args, FACET_TAGS]).fetchall()
        more = str(offset + size) if len(rows) > size else None
        return Answer(int(total), more, False)


def _where(query: SearchQuery, skip: str | None = None) -> tuple[str, list[object]]:
    """The WHERE clause for the words and every filter but `skip`."""
    clauses: list[str] = ["1"]
    args: list[object] = []
    if query.words:
        clauses.append("words MATCH ?")
        args.append(_match(query.words, query.prefix_last))
    for tag in query.tags:
        clauses.append("d.id IN (SELECT doc FROM tags WHERE tag = ?)")
        args.append(tag)
    for name in ("orientation", "color"):
        value = getattr(query, name)
        if value is not None and name != skip:
            clauses.append(f"d.{name} = ?")
            args.append(value)
    return " AND ".join(clauses), args


def _match(words: tuple[str, ...], prefix_last: bool) -> str:
    """FTS5 syntax from plain words: each quoted, all required, the last one also a prefix."""
    quoted = ['"' + w.replace('"', '""') + '"' for w in words]
    if prefix_last:
        quoted[-1] = f"({quoted[-1]} OR {quoted[-1]}*)"
    return " AND ".join(quoted)

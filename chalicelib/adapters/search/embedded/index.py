"""The embedded SearchIndex: a tantivy index on local disk, shared by several processes.

Why tantivy, and the numbers behind it: docs/decisions/embedded-search.md.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from chalicelib.adapters.search.embedded import paging, similar
from chalicelib.adapters.search.embedded.catalog import live_ids_after, live_versions
from chalicelib.adapters.search.embedded.facets import FacetCache, FacetCounter, NoFacets
from chalicelib.adapters.search.embedded.query import (
    any_completion,
    build,
    conjunction,
    tokens,
)
from chalicelib.adapters.search.embedded.schema import (
    WORDS,
    created_us,
    engine,
    from_stored,
    schema,
    to_document,
)
from chalicelib.adapters.search.embedded.store import Generations, Reader, open_index
from chalicelib.adapters.search.embedded.write import write_changes, written_since
from chalicelib.domain.search import MAX_PER_PAGE, Change, SearchDoc, SearchPage, SearchQuery, Sort
from chalicelib.domain.search.model import capped_total
from chalicelib.domain.search.similar import SimilarQuery

APPLY_HEAP = 32_000_000
REBUILD_HEAP = 256_000_000


class EmbeddedSearchIndex:
    """SearchIndex on tantivy under `path` (generations, a CURRENT pointer, locks)."""

    def __init__(self, path: Path, count_facets: bool = True) -> None:
        """`count_facets=False` answers every search with no facet counts, at no cost:
        the floor a benchmark measures the facet step against."""
        self._generations = Generations(Path(path))
        self._reader = Reader(self._generations)
        self._facets: FacetCounter = FacetCache() if count_facets else NoFacets()

    def apply(self, changes: Sequence[Change]) -> None:
        """Upsert or delete, each only if its version is newer than the one held."""
        if not changes:
            return
        with self._generations.writer(APPLY_HEAP) as (index, writer):
            if write_changes(index, writer, changes, time.time_ns()):
                writer.commit()

    def search(self, query: SearchQuery) -> SearchPage:
        """One page of matches in the query's order, with facets."""
        searcher, commit = self._reader.snapshot()
        main = build(query, searcher)
        per_page = min(max(query.per_page, 1), MAX_PER_PAGE)
        ranked, total = self._ranked(searcher, query, main, per_page + 1)
        docs = tuple(from_stored(searcher.doc(a).get_first("doc")) for a, _ in ranked[:per_page])
        next_after = None
        if len(ranked) > per_page:
            next_after = _cursor(query.sort, docs[-1], ranked[per_page - 1][1], query)
        counts, approximate = self._facets.counts(commit, searcher, query, main, total)
        # tantivy counts every match in the same pass that ranks them (the top-N collector
        # visits each one anyway), so the cap only shapes the answer, as OpenSearch's does.
        shown, exact = capped_total(total, query.count_up_to)
        return SearchPage(shown, docs, counts, next_after, approximate, total_exact=exact)

    def _ranked(
        self, searcher: Any, query: SearchQuery, main: Any, n: int
    ) -> tuple[list[paging.Ranked], int]:
        after = paging.after_values(query.sort, query.search_after) if query.search_after else None
        if query.sort is Sort.RELEVANCE:
            return paging.relevance(searcher, main, n, after, constant=query.fuzzy)
        keys = paging.FIELD_SORTS[query.sort]
        if after is None:
            return paging.ordered(searcher, main, keys, n)
        paged = conjunction([main, paging.after_filter(keys, after)])
        ranked, _ = paging.ordered(searcher, paged, keys, n)
        return ranked, searcher.search(main, 1).count

    def suggest(self, prefix: str, limit: int) -> list[str]:
        """Tags starting with `prefix` (most used first), then titles with a word starting so."""
        text = prefix.strip().lower()
        if limit <= 0 or not text:
            return []
        searcher = self._reader.searcher()
        tags = searcher.terms_with_prefix(
            "tags", text, filter_query=engine().Query.all_query(), limit=limit
        )
        found = [tag for tag, _ in sorted(tags, key=lambda pair: (-pair[1], pair[0]))][:limit]
        return found + _titles(searcher, text, limit - len(found), set(found))

    def similar(self, query: SimilarQuery) -> tuple[SearchDoc, ...]:
        """Look-alikes by perceptual-hash distance, then shared tags and colour; never itself."""
        return similar.find(self._reader.searcher(), query)

    def versions(self, ids: Sequence[str]) -> dict[str, int]:
        """The indexed version of each of `ids` that is searchable (absent ones left out)."""
        return live_versions(self._reader.searcher(), ids)

    def ids_after(self, after: str, limit: int) -> list[str]:
        """Up to `limit` searchable image ids greater than `after`, in order."""
        return live_ids_after(self._reader.searcher(), after, limit)

    def refresh_outdated(self, docs: Sequence[SearchDoc]) -> int:
        """None is ever outdated: an index of another schema version is ignored and rebuilt
        from the table as a whole (schema.SCHEMA_VERSION)."""
        return 0

    def rebuild(self, docs: Iterable[SearchDoc]) -> int:
        """Build a new generation, catch it up with writes made meanwhile, then switch.

        `docs` should be read lazily (a table scan): a change applied before the scan starts is
        in the scan, one applied after it is replayed from the old generation.
        """
        generations = self._generations
        with generations.lock("rebuild"):
            started = time.time_ns()
            generations.current()
            fresh = generations.create()
            try:
                count = _fill(fresh, docs, started)
                # Holding the old generation's writer stops appliers until the switch.
                with generations.writer(APPLY_HEAP) as (old, _):
                    _catch_up(fresh, old, started)
                    generations.switch(fresh)
            except BaseException:
                generations.remove_others(generations.current())
                raise
            generations.remove_others(fresh)
        return count


def _fill(generation: Path, docs: Iterable[SearchDoc], written_at: int) -> int:
    index = open_index(generation)
    writer = index.writer(REBUILD_HEAP, 0)  # 0: one indexing thread per core
    count = 0
    for doc in docs:
        writer.add_document(to_document(doc, doc.version, written_at))
        count += 1
    writer.commit()
    writer.wait_merging_threads()
    return count


def _catch_up(generation: Path, old: Any, since_ns: int) -> None:
    old.reload()
    changes = written_since(old.searcher(), since_ns, time.time_ns())
    if not changes:
        return
    index = open_index(generation)
    writer = index.writer(APPLY_HEAP, 1)
    if write_changes(index, writer, changes, time.time_ns()):
        writer.commit()
    writer.wait_merging_threads()


def _cursor(
    sort: Sort, last: SearchDoc, values: tuple[Any, ...], query: SearchQuery
) -> tuple[Any, ...]:
    """The next page's search_after: the last hit's sort values (relevance adds a position)."""
    if sort is Sort.RELEVANCE:
        start = int(query.search_after[2]) if query.search_after else 0
        return (values[0], last.image_id, start + min(max(query.per_page, 1), MAX_PER_PAGE))
    if sort is Sort.POPULAR:
        return (last.popularity, created_us(last.created_at), last.image_id)
    return (created_us(last.created_at), last.image_id)


def _titles(searcher: Any, text: str, wanted: int, skip: set[str]) -> list[str]:
    words = tokens([text])
    if wanted <= 0 or not words:
        return []
    field = "title" + WORDS
    clauses = [engine().Query.term_query(schema(), field, raw) for _, raw in words[:-1]]
    clauses.append(any_completion(searcher, words[-1][1], field))
    hits = searcher.search(conjunction(clauses), wanted * 4, order_by_field="popularity").hits
    titles: list[str] = []
    for _, address in hits:
        title = from_stored(searcher.doc(address).get_first("doc")).title
        if title not in skip and title not in titles and len(titles) < wanted:
            titles.append(title)
    return titles

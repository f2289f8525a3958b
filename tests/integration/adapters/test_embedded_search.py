"""The embedded search index on disk: several processes, rebuilds, locks, sampling.

What every SearchIndex must do is in tests/contract; these are the embedded engine's own
promises (processes sharing one directory, generations, the writer lock, facet sampling).
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from chalicelib.adapters.search.embedded import EmbeddedSearchIndex
from chalicelib.adapters.search.embedded import facets as embedded_facets
from chalicelib.adapters.search.embedded import store as embedded_store
from chalicelib.adapters.search.embedded.store import Generations
from chalicelib.domain.search import Change, SearchDoc, SearchQuery, Sort
from tests.contract.test_search_index import doc

pytestmark = pytest.mark.slow


def _apply_range(root: str, first: int, count: int, version: int, pause: float) -> None:
    """Child process: apply docs first..first+count-1 one small batch at a time."""
    index = EmbeddedSearchIndex(Path(root))
    for n in range(first, first + count, 2):
        batch = [doc(m, f"Harbor view {m}", version=version) for m in (n, n + 1)]
        index.apply([Change(d.image_id, d.version, d) for d in batch])
        time.sleep(pause)


def _spawn(*args: object) -> multiprocessing.process.BaseProcess:
    process = multiprocessing.get_context("spawn").Process(target=_apply_range, args=args)
    process.start()
    return process


def _join(*processes: multiprocessing.process.BaseProcess) -> None:
    for process in processes:
        process.join(60)
        assert process.exitcode == 0


def _versions(index: EmbeddedSearchIndex) -> dict[str, int]:
    versions, after = {}, None
    while True:
        page = index.search(SearchQuery(per_page=100, search_after=after))
        versions |= {hit.image_id: hit.version for hit in page.hits}
        if (after := page.next_after) is None:
            return versions


def test_given_two_writer_processes_then_the_reader_process_sees_every_commit(
    tmp_path: Path,
) -> None:
    # GIVEN a reader in this process, opened before anything was written
    root = tmp_path / "search"
    reader = EmbeddedSearchIndex(root)
    assert reader.search(SearchQuery()).total == 0
    # WHEN two processes write the same images with different versions, racing on the lock
    _join(_spawn(str(root), 0, 40, 2, 0.0), _spawn(str(root), 0, 40, 3, 0.0))
    # THEN the same reader sees all of them, each at the newest version
    assert _versions(reader) == {doc(n).image_id: 3 for n in range(40)}


def test_given_writes_during_a_rebuild_then_none_is_lost(tmp_path: Path) -> None:
    root = tmp_path / "search"
    index = EmbeddedSearchIndex(root)
    index.apply([Change(doc(500).image_id, 1, doc(500, "Stale"))])
    seen: list[set[str]] = []

    def slow_scan() -> Iterator[SearchDoc]:
        # Records which of the other process's docs the old generation held at the start and
        # near the end of the scan: those in between were written during the rebuild.
        seen.append(set(_versions(index)))
        for n in range(100, 160):
            time.sleep(0.005)
            yield doc(n, "Lighthouse")
        # The scan is not over until the writer has landed a few batches during it: on a
        # loaded machine the other process may get no CPU for the scan's 0.3 s otherwise.
        deadline = time.monotonic() + 30
        while len(set(_versions(index)) - seen[0]) < 4 and time.monotonic() < deadline:
            time.sleep(0.01)
        seen.append(set(_versions(index)))

    # GIVEN another process applying small batches, already under way
    writer = _spawn(str(root), 0, 60, 1, 0.01)
    while index.search(SearchQuery()).total < 3:
        time.sleep(0.01)
    # WHEN this process rebuilds from a slow "table scan"
    count = index.rebuild(slow_scan())
    _join(writer)
    # THEN what was written during the rebuild survived the switch, and the rest is the scan's
    final = set(_versions(index))
    # The first batch may have been stamped before the rebuild began and committed after:
    # such a change was in the table before the stream delivered it, so the scan carries it.
    during = sorted(seen[1] - seen[0])[2:]
    assert count == 60 and during, "the writer should have been busy during the scan"
    assert set(during) <= final
    assert {doc(n).image_id for n in range(100, 160)} <= final
    assert doc(500).image_id not in final
    assert {doc(n).image_id for n in (58, 59)} <= final
    assert [p.name for p in root.glob("gen-*")] == [Generations(root).current().name]


def test_given_the_writer_lock_held_then_apply_waits_then_gives_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = EmbeddedSearchIndex(tmp_path / "search")
    monkeypatch.setattr(embedded_store, "LOCK_WAIT_SECONDS", 0.3)
    with Generations(tmp_path / "search").writer(32_000_000), pytest.raises(TimeoutError):
        index.apply([Change(doc(1).image_id, 1, doc(1))])
    index.apply([Change(doc(1).image_id, 1, doc(1))])
    assert index.search(SearchQuery()).total == 1


def test_given_a_restart_then_the_index_is_still_there(tmp_path: Path) -> None:
    EmbeddedSearchIndex(tmp_path / "search").apply([Change(doc(1).image_id, 1, doc(1, "Kept"))])
    again = EmbeddedSearchIndex(tmp_path / "search")
    assert [hit.title for hit in again.search(SearchQuery()).hits] == ["Kept"]


def test_given_a_huge_result_set_then_facets_come_from_a_sample(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(embedded_facets, "SAMPLE_TARGET", 50)
    index = EmbeddedSearchIndex(tmp_path / "search")
    docs = [doc(n, "Field", tags=["grass"] if n % 4 else ["grass", "sky"]) for n in range(800)]
    docs += [doc(n, "Meadow", tags=["hay"], orientation="portrait") for n in range(800, 830)]
    index.apply([Change(d.image_id, 1, d) for d in docs])
    # WHEN a query matches far more than the sample target
    page = index.search(SearchQuery(words=("field",)))
    # THEN counts are scaled estimates, flagged approximate
    assert page.total == 800 and page.approximate
    tags = {f.value: f.count for f in page.facets["tags"]}
    assert 500 < tags["grass"] < 1200 and 100 < tags["sky"] < 350
    # AND a small result set is still counted exactly
    small = index.search(SearchQuery(words=("meadow",)))
    assert small.approximate is False
    assert [(f.value, f.count) for f in small.facets["tags"]] == [("hay", 30)]


def test_given_a_forged_search_after_then_value_error(tmp_path: Path) -> None:
    index = EmbeddedSearchIndex(tmp_path / "search")
    for sort, after in [(Sort.NEWEST, ("x",)), (Sort.POPULAR, (1, "a")), (Sort.RELEVANCE, (None,))]:
        with pytest.raises(ValueError):
            index.search(SearchQuery(sort=sort, search_after=after))


def test_given_the_next_pages_of_a_search_then_facets_are_counted_once_per_commit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = EmbeddedSearchIndex(tmp_path / "search")
    dunes = [doc(n, "Dune", tags=["sand"]) for n in range(6)]
    index.apply([Change(d.image_id, 1, d) for d in dunes])
    counted: list[SearchQuery] = []
    real = embedded_facets.facets

    def counting(searcher, query, main, total):  # type: ignore[no-untyped-def]
        counted.append(query)
        return real(searcher, query, main, total)

    monkeypatch.setattr(embedded_facets, "facets", counting)
    # WHEN a visitor follows "next" through every page, in two sorts
    for sort in (Sort.NEWEST, Sort.RELEVANCE):
        page = index.search(SearchQuery(words=("dune",), sort=sort, per_page=2))
        while page.next_after is not None:
            page = index.search(SearchQuery(words=("dune",), sort=sort, per_page=2,
                                            search_after=page.next_after))
            assert [(f.value, f.count) for f in page.facets["tags"]] == [("sand", 6)]
    # THEN the match set's counts were computed once
    assert len(counted) == 1
    # WHEN a write lands THEN the same search counts again, and sees it
    index.apply([Change(doc(9).image_id, 1, doc(9, "Dune", tags=["sand", "wind"]))])
    page = index.search(SearchQuery(words=("dune",), per_page=2))
    assert len(counted) == 2
    assert {f.value: f.count for f in page.facets["tags"]} == {"sand": 7, "wind": 1}
    # AND another match set is counted on its own
    index.search(SearchQuery(words=("dune",), orientation="portrait"))
    assert len(counted) == 3


def test_given_an_index_opened_without_facets_then_it_finds_the_same_and_counts_nothing(
    tmp_path: Path,
) -> None:
    # GIVEN one index on disk, opened twice: as the API does and as the benchmark's floor
    counting = EmbeddedSearchIndex(tmp_path / "search")
    counting.apply([Change(doc(n).image_id, 1, doc(n, "Dune", tags=["sand"])) for n in range(3)])
    floor = EmbeddedSearchIndex(tmp_path / "search", count_facets=False)
    # WHEN both answer one search
    query = SearchQuery(words=("dune",))
    counted, bare = counting.search(query), floor.search(query)
    # THEN the same documents come back, and only the first counts facets
    assert [d.image_id for d in bare.hits] == [d.image_id for d in counted.hits]
    assert bare.total == counted.total == 3
    assert counted.facets["tags"] and not bare.facets

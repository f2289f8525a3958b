"""SearchIndex on Amazon OpenSearch (a managed domain or a serverless collection).

Two aliases front the live index: `<alias>` for reads and `<alias>-write` for writes. Every
write carries the image's DynamoDB version as an external version, so OpenSearch itself
refuses an older or equal one (and delete tombstones, kept for `gc_deletes`, stop a replayed
upsert from resurrecting an image). `rebuild` moves the write alias to a fresh index first,
so changes streamed during the load land there and win over the load's older versions, and
moves the read alias only once the new index is complete: searches never see it half built.

opensearchpy is imported lazily: the API Lambda imports chalicelib at cold start.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from chalicelib.adapters.search.opensearch.bulk import bulk_lines, check_bulk
from chalicelib.adapters.search.opensearch.mapping import TEMPLATE_VERSION, index_body
from chalicelib.adapters.search.opensearch.query import (
    read_page,
    read_suggestions,
    search_body,
    suggest_body,
)
from chalicelib.adapters.search.opensearch.security import grant_read, grant_write
from chalicelib.adapters.search.opensearch.similar import find as find_similar
from chalicelib.adapters.search.opensearch.upgrade import outdated_body, upgrade_in_place
from chalicelib.domain.search import Change, SearchDoc, SearchPage, SearchQuery, Sort
from chalicelib.domain.search.similar import SimilarQuery
from chalicelib.logs import child_logger

log = child_logger(__name__)
REBUILD_CHUNK = 500


def _now() -> datetime:
    return datetime.now(UTC)


class OpenSearchIndex:
    """The SearchIndex port on OpenSearch, reading `alias` and writing `alias`-write."""

    def __init__(
        self,
        client: Any,
        alias: str = "images",
        template_version: int = TEMPLATE_VERSION,
        *,
        refresh: bool | str = False,
        clock: Callable[[], datetime] = _now,
        reader_roles: Sequence[str] = (),
        writer_roles: Sequence[str] = (),
    ) -> None:
        self.client = client
        self.alias = alias
        self.write_alias = f"{alias}-write"
        self.template_version = template_version
        # Tests and the contract suite pass True ("visible at once"); production keeps the
        # 1 s refresh interval instead of paying for a refresh per batch.
        self.refresh = refresh
        self.clock = clock
        self.reader_roles = tuple(reader_roles)
        self.writer_roles = tuple(writer_roles)
        self._ready = False

    def apply(self, changes: Sequence[Change]) -> None:
        """Upsert or delete, each only if its version is newer than the one held."""
        if not changes:
            return
        self._ensure()
        self._bulk(bulk_lines(self.write_alias, changes), require_alias=True)

    def search(self, query: SearchQuery) -> SearchPage:
        """One page of hits with facets, from the read alias."""
        body = search_body(query)
        extra = {}
        if query.sort is Sort.RELEVANCE:
            # Scores can differ slightly between shard copies; pages of one query stay on
            # the same copies so search_after never skips or repeats a hit.
            key = json.dumps(body["query"], sort_keys=True).encode()
            extra["preference"] = hashlib.sha1(key, usedforsecurity=False).hexdigest()[:16]
        response = self._read(body, **extra)
        if response is None:
            return SearchPage(0, (), {"tags": (), "orientation": (), "color": ()}, None)
        return read_page(response, query.per_page, query.count_up_to)

    def suggest(self, prefix: str, limit: int) -> list[str]:
        """Tags starting with `prefix`, then titles with a word starting with it."""
        if not prefix or limit <= 0:
            return []
        response = self._read(suggest_body(prefix, limit))
        return [] if response is None else read_suggestions(response, limit)

    def similar(self, query: SimilarQuery) -> tuple[SearchDoc, ...]:
        """Look-alikes by perceptual-hash distance, then shared tags and colour; never itself."""
        return find_similar(self._read, query)

    def versions(self, ids: Sequence[str]) -> dict[str, int]:
        """The indexed (external) version of each of `ids` the read alias holds."""
        unique = sorted(set(ids))
        if not unique:
            return {}
        body = {"query": {"ids": {"values": unique}}, "_source": False, "version": True,
                "size": len(unique)}
        response = self._read(body)
        hits = [] if response is None else response["hits"]["hits"]
        return {str(hit["_id"]): int(hit["_version"]) for hit in hits}

    def ids_after(self, after: str, limit: int) -> list[str]:
        """Up to `limit` indexed image ids greater than `after`, in order."""
        if limit <= 0:
            return []
        body = {"query": {"range": {"image_id": {"gt": after}}}, "_source": False,
                "sort": [{"image_id": "asc"}], "size": limit}
        response = self._read(body)
        return [] if response is None else [str(h["_id"]) for h in response["hits"]["hits"]]

    def refresh_outdated(self, docs: Sequence[SearchDoc]) -> int:
        """Rewrite those of `docs` whose indexed document, at the same version, was written
        under an older `doc_schema`; how many were rewritten. Absent ones stay absent."""
        if not docs:
            return 0
        self._ensure()
        response = self._read(outdated_body([d.image_id for d in docs], self.template_version))
        outdated = set() if response is None else {h["_id"] for h in response["hits"]["hits"]}
        changes = [Change(d.image_id, d.version, d) for d in docs if d.image_id in outdated]
        if not changes:
            return 0
        lines = bulk_lines(self.write_alias, changes, version_type="external_gte")
        return len(changes) - self._bulk(lines, require_alias=True)

    def _read(self, body: dict[str, Any], **params: Any) -> dict[str, Any] | None:
        """A _search on the read alias; None before anything was ever indexed."""
        from opensearchpy.exceptions import NotFoundError

        # Readers never create the index: the API's role needs no index admin rights.
        try:
            response: dict[str, Any] = self.client.search(index=self.alias, body=body, **params)
        except NotFoundError:
            return None
        return response

    def rebuild(self, docs: Iterable[SearchDoc]) -> int:
        """Load `docs` into a new index, then swap the read alias to it and drop the old."""
        # If the load fails, reads stay on the old index (complete but no longer updated)
        # and the error surfaces: running rebuild again converges, dropping both.
        holders = {name: self._holders(name) for name in (self.alias, self.write_alias)}
        stamp = self.clock().strftime("%Y%m%d%H%M%S%f")
        new = f"{self.alias}-v{self.template_version}-{stamp}"
        self.client.indices.create(index=new, body=index_body(self.template_version))
        self._move(self.write_alias, holders[self.write_alias], new)
        count = self._load(new, docs)
        self.client.indices.refresh(index=new)
        self._move(self.alias, holders[self.alias], new)
        for old in sorted(set(itertools.chain(*holders.values())) - {new}):
            self.client.indices.delete(index=old)
        self._ready = True
        return count

    def _load(self, index: str, docs: Iterable[SearchDoc]) -> int:
        count, stream = 0, iter(docs)
        while chunk := list(itertools.islice(stream, REBUILD_CHUNK)):
            changes = [Change(doc.image_id, doc.version, doc) for doc in chunk]
            self._bulk(bulk_lines(index, changes))
            count += len(chunk)
        return count

    def _bulk(self, lines: list[dict[str, Any]], **params: Any) -> int:
        """Send `lines`; how many were stale (a newer version is indexed)."""
        if self.refresh:
            params["refresh"] = self.refresh
        stale = check_bulk(self.client.bulk(body=lines, **params))
        if stale:
            log.debug("skipped %d stale search change(s): a newer version is indexed", stale)
        return stale

    def _holders(self, alias: str) -> list[str]:
        from opensearchpy.exceptions import NotFoundError

        try:
            return sorted(self.client.indices.get_alias(name=alias))
        except NotFoundError:
            return []

    def _move(self, alias: str, holders: list[str], new: str) -> None:
        # One request: the alias is never missing and never on two indices.
        actions: list[dict[str, Any]] = [
            {"remove": {"index": old, "alias": alias}} for old in holders if old != new
        ]
        actions.append({"add": {"index": new, "alias": alias}})
        self.client.indices.update_aliases(body={"actions": actions})

    def _ensure(self) -> None:
        """Before the first write of a cold start: create the first index (both aliases) if
        there is none, else bring the live one up to this code's mapping version in place
        (MappingUpgradeRefused if that is not additive: then run `reindex`)."""
        if self._ready:
            return
        if not self._create_first():
            upgrade_in_place(self.client, self.write_alias, self.template_version)
        grant_read(self.client, self.reader_roles)
        grant_write(self.client, self.writer_roles)
        self._ready = True

    def _create_first(self) -> bool:
        """Create the first index behind both aliases if there is none; True if we did."""
        from opensearchpy.exceptions import RequestError

        if self._holders(self.alias) or self._holders(self.write_alias):
            return False
        body = index_body(self.template_version)
        body["aliases"] = {self.alias: {}, self.write_alias: {}}
        # A fixed name: two cold starts racing here create one index, not two.
        first = f"{self.alias}-v{self.template_version}-initial"
        try:
            self.client.indices.create(index=first, body=body)
        except RequestError as error:
            if error.error != "resource_already_exists_exception":
                raise
            return False  # another writer's, perhaps of another version: checked like any
        return True

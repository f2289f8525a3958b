"""Bring a live index of an older mapping version up to this code's, in place.

OpenSearch accepts new fields on a strict mapping (put_mapping) but never a changed one. So
when the live index's `_meta.template_version` is older, the fields the missing versions
added (mapping.HISTORY) are put and `_meta` records the new version; a missing version that
is not additive, or a live field that differs from the one we would add, is refused with
MappingUpgradeRefused: the path is then `reindex`. Several writers may race here: putting
the same fields twice is a no-op, so the race is harmless.

Documents written before the upgrade lack the new fields; each document records the
version that wrote it (`doc_schema`), and `outdated_body` finds the older ones for the
sweeper to rewrite.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.adapters.search.opensearch.mapping import (
    TEMPLATE_VERSION,
    added_since,
    rebuild_needed,
)
from chalicelib.logs import child_logger

log = child_logger(__name__)
# A stable word in the log line, for a CloudWatch metric filter and its alarm.
REFUSED_EVENT = "search_mapping_upgrade_refused"


class MappingUpgradeRefused(RuntimeError):
    """The live index cannot be brought to this code's mapping in place: run `reindex`."""


@dataclass(frozen=True)
class Upgrade:
    """What one live index needs: the fields to add and the version it will then be."""

    index: str
    live_version: int
    fields: dict[str, Any]


def live_version(mapping: dict[str, Any]) -> int | None:
    """The template version an index's mapping records (None: made by hand, unknown)."""
    version = mapping.get("_meta", {}).get("template_version")
    return int(version) if version is not None else None


def plan(index: str, mapping: dict[str, Any], code_version: int = TEMPLATE_VERSION) -> Upgrade:
    """The additive upgrade `index` (its live `mapping`) needs; raises if none can do."""
    version = live_version(mapping)
    if version is None:
        raise MappingUpgradeRefused(f"index {index} records no template version: run reindex")
    if version >= code_version:
        return Upgrade(index, version, {})
    blocking = rebuild_needed(version, code_version)
    if blocking:
        names = ", ".join(f"v{step.number} ({step.why})" for step in blocking)
        raise MappingUpgradeRefused(
            f"index {index} is at v{version}; {names} cannot be applied in place: run reindex"
        )
    fields = added_since(version, code_version)
    _check_no_clash(index, mapping.get("properties", {}), fields)
    return Upgrade(index, version, fields)


def _check_no_clash(index: str, live: dict[str, Any], fields: dict[str, Any]) -> None:
    """A field we would add that the index already holds must be the same kind of field."""
    for name, wanted in fields.items():
        held = live.get(name)
        if held is not None and held.get("type", "object") != wanted.get("type", "object"):
            raise MappingUpgradeRefused(
                f"index {index} holds {name} as {held.get('type')}, this code maps it as "
                f"{wanted.get('type')}: run reindex"
            )


def upgrade_in_place(client: Any, alias: str, code_version: int = TEMPLATE_VERSION) -> list[str]:
    """Upgrade every index behind `alias` that is older than `code_version`; the names of
    those upgraded. An index newer than the code (a rollback) is left as it is."""
    upgraded = []
    for index, held in sorted(client.indices.get_mapping(index=alias).items()):
        try:
            step = plan(index, held.get("mappings", {}), code_version)
        except MappingUpgradeRefused as refused:
            log.error("%s: %s", REFUSED_EVENT, refused)
            raise
        if step.live_version > code_version:
            log.warning("index %s is at v%d, newer than this code's v%d: left as it is",
                        index, step.live_version, code_version)
        if step.live_version >= code_version:
            continue
        body = {"properties": step.fields, "_meta": {"template_version": code_version}}
        client.indices.put_mapping(index=index, body=body)
        log.info("search mapping of %s upgraded in place from v%d to v%d: added %s",
                 index, step.live_version, code_version, sorted(step.fields))
        upgraded.append(index)
    return upgraded


def outdated_body(ids: list[str], code_version: int = TEMPLATE_VERSION) -> dict[str, Any]:
    """A search for those of `ids` indexed by an older `doc_schema` (or none: before v3)."""
    unique = sorted(set(ids))
    older = {"range": {"doc_schema": {"gte": code_version}}}
    return {"query": {"bool": {"filter": [{"ids": {"values": unique}}], "must_not": [older]}},
            "_source": False, "size": len(unique)}

"""A hand-written stand-in for opensearch-py's client that records every call in order."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from opensearchpy.exceptions import NotFoundError, RequestError

from chalicelib.adapters.search.opensearch.mapping import index_body

Reply = Callable[[dict[str, Any]], dict[str, Any]]


def all_ok(call: dict[str, Any]) -> dict[str, Any]:
    """A bulk reply where every item succeeded."""
    actions = [line for line in call["body"] if set(line) & {"index", "delete"}]
    items = [
        {name: {"_id": meta["_id"], "status": 201}}
        for line in actions
        for name, meta in line.items()
    ]
    return {"errors": False, "items": items}


class FakeIndices:
    """client.indices: aliases in a dict, calls recorded on the parent."""

    def __init__(self, parent: FakeClient) -> None:
        self.parent = parent

    def get_alias(self, name: str) -> dict[str, Any]:
        self.parent.record("get_alias", name=name)
        held: dict[str, Any] = {
            index: {"aliases": {name: {}}}
            for index, names in self.parent.aliases.items()
            if name in names
        }
        if not held:
            raise NotFoundError(404, "alias_missing", {"error": f"alias [{name}] missing"})
        return held

    def create(self, index: str, body: dict[str, Any]) -> dict[str, Any]:
        self.parent.record("create", index=index, body=body)
        error = self.parent.create_error
        if error is not None and getattr(error, "error", "") != "resource_already_exists_exception":
            raise error
        if error is not None:  # another writer won the race: its index is there
            self.parent.aliases[index] = set(body.get("aliases", {}))
            self.parent.mappings[index] = copy.deepcopy(body["mappings"])
            raise error
        self.parent.aliases[index] = set(body.get("aliases", {}))
        self.parent.mappings[index] = copy.deepcopy(body["mappings"])
        return {"acknowledged": True, "index": index}

    def get_mapping(self, index: str) -> dict[str, Any]:
        """Each index behind the alias `index` with its mapping (an index made before the
        fake kept mappings has this code's current one)."""
        self.parent.record("get_mapping", index=index)
        held = [name for name, names in self.parent.aliases.items() if index in names]
        if not held:
            raise NotFoundError(404, "index_not_found_exception", {"error": index})
        current = index_body()["mappings"]
        return {
            name: {"mappings": copy.deepcopy(self.parent.mappings.get(name, current))}
            for name in held
        }

    def put_mapping(self, index: str, body: dict[str, Any]) -> dict[str, Any]:
        """Adds fields (a changed one is refused, as OpenSearch does) and replaces _meta."""
        self.parent.record("put_mapping", index=index, body=body)
        mapping = self.parent.mappings.setdefault(index, copy.deepcopy(index_body()["mappings"]))
        for name, field in body.get("properties", {}).items():
            held = mapping["properties"].get(name)
            if held is not None and held != field:
                raise RequestError(400, "illegal_argument_exception", {"error": name})
            mapping["properties"][name] = field
        if "_meta" in body:
            mapping["_meta"] = body["_meta"]
        return {"acknowledged": True}

    def refresh(self, index: str) -> dict[str, Any]:
        self.parent.record("refresh", index=index)
        return {"_shards": {"failed": 0}}

    def update_aliases(self, body: dict[str, Any]) -> dict[str, Any]:
        self.parent.record("update_aliases", body=body)
        for action in body["actions"]:
            ((verb, target),) = action.items()
            names = self.parent.aliases.setdefault(target["index"], set())
            (names.add if verb == "add" else names.discard)(target["alias"])
        return {"acknowledged": True}

    def delete(self, index: str) -> dict[str, Any]:
        self.parent.record("delete", index=index)
        del self.parent.aliases[index]
        return {"acknowledged": True}


class FakeTransport:
    """client.transport.perform_request: raw calls (the security plugin's API)."""

    def __init__(self, parent: FakeClient) -> None:
        self.parent = parent

    def perform_request(self, method: str, path: str, body: Any = None) -> dict[str, Any]:
        self.parent.record("raw", method=method, path=path, body=body)
        return {}


class FakeClient:
    """client.bulk / client.search / client.indices.*, answering from canned replies."""

    def __init__(self, aliases: dict[str, set[str]] | None = None) -> None:
        self.calls: list[dict[str, Any]] = []
        self.aliases: dict[str, set[str]] = aliases if aliases is not None else {}
        self.mappings: dict[str, dict[str, Any]] = {}
        self.bulk_reply: Reply = all_ok
        self.search_reply: dict[str, Any] = {}
        self.search_error: Exception | None = None
        self.create_error: Exception | None = None
        self.indices = FakeIndices(self)
        self.transport = FakeTransport(self)

    def record(self, call_name: str, **arguments: Any) -> dict[str, Any]:
        call = {"call": call_name, **arguments}
        self.calls.append(call)
        return call

    def bulk(self, body: list[dict[str, Any]], **params: Any) -> dict[str, Any]:
        return self.bulk_reply(self.record("bulk", body=body, **params))

    def search(self, index: str, body: dict[str, Any], **params: Any) -> dict[str, Any]:
        self.record("search", index=index, body=body, **params)
        if self.search_error is not None:
            raise self.search_error
        return self.search_reply

    def names(self) -> list[str]:
        """The calls made so far, by name."""
        return [call["call"] for call in self.calls]

    def last(self, name: str) -> dict[str, Any]:
        """The most recent call of that name."""
        return [call for call in self.calls if call["call"] == name][-1]

"""One strategy per operation of the OpenAPI document: path ids, query strings, headers, tokens
and bodies, hostile or plausible, for the in-process tests and the HTTP runner alike."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from hypothesis import strategies as st

from infra.fuzz.contract import Operation
from infra.fuzz.tokens import Forge, authorizations
from infra.fuzz.values import (
    garbage_cursors,
    header_text,
    json_values,
    odd_number_text,
    odd_text,
    raw_json,
    to_json,
)

# Mostly honest (a lie is answered 415 before anything else runs), sometimes not.
CONTENT_TYPES = ("application/json",) * 6 + (
    "application/json; charset=utf-16", "text/plain", "multipart/form-data; boundary=x",
    "application/x-www-form-urlencoded", "", "APPLICATION/JSON", "application/json; charset=utf-8")
ODD = "<any header text>"
ORIGINS = ("http://evil.test", "null", "http://127.0.0.1", "")


@dataclass(frozen=True)
class FuzzRequest:
    """One request as sent: path already encoded, query as raw pairs (already encoded)."""

    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    headers: dict[str, str]
    body: bytes | None
    token_kind: str
    operation: tuple[str, str]  # (METHOD, path template) of the operation fuzzed

    @property
    def target(self) -> str:
        """Path and query string, as on the request line."""
        if not self.query:
            return self.path
        return self.path + "?" + "&".join(f"{k}={v}" if v is not None else k
                                          for k, v in self.query)


@dataclass
class Context:
    """What setup made: real image ids and cursors, and the tokens."""

    forge: Forge
    image_ids: list[str] = field(default_factory=list)
    cursors: list[str] = field(default_factory=list)


def _encoded(text: str) -> str:
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


def _flipped(cursor: str, at: int) -> str:
    if not cursor:
        return "A"
    i = at % len(cursor)
    return cursor[:i] + ("B" if cursor[i] != "B" else "C") + cursor[i + 1:]


def cursors(ctx: Context) -> st.SearchStrategy[str]:
    """Garbage, base64 of odd JSON, a real cursor, or a real one with one byte flipped."""
    options = [garbage_cursors]
    if ctx.cursors:
        real = st.sampled_from(ctx.cursors)
        options += [real, st.builds(_flipped, real, st.integers(0, 10_000))]
    return st.one_of(*options)


def schema_value(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """A value the schema allows (roughly): enums, bounded integers, short strings."""
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if kind == "integer":
        return st.integers(schema.get("minimum", -10), schema.get("maximum", 10_000))
    if kind == "array":
        items = schema_value(schema.get("items", {}))
        return st.lists(items, max_size=min(schema.get("maxItems", 5), 5))
    if kind == "object":
        return schema_object(schema)
    # Letters, digits and spaces (any script): what a person types.
    return st.text(alphabet=st.characters(categories=("L", "N", "Zs")),
                   min_size=max(schema.get("minLength", 0), 1), max_size=12)


def schema_object(schema: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """An object with the required properties, some optional ones, each value plausible or not."""
    props = schema.get("properties", {})
    required = [name for name in schema.get("required", []) if name in props]
    optional = [name for name in props if name not in required]

    def value(name: str) -> st.SearchStrategy[Any]:
        plausible = schema_value(props[name])
        hostile = odd_text if props[name].get("type") == "string" else json_values
        return st.one_of(plausible, plausible, st.one_of(hostile, json_values))

    return st.fixed_dictionaries(
        {name: value(name) for name in required},
        optional={name: value(name) for name in optional},
    )


def query_value(name: str, schema: dict[str, Any], ctx: Context) -> st.SearchStrategy[str]:
    """An encoded value for one query parameter: plausible, odd text, odd number, raw bytes."""
    text = st.one_of(schema_value(schema).map(str), odd_text, odd_number_text)
    if name == "cursor":
        text = st.one_of(text, cursors(ctx))
    raw = st.sampled_from(("%", "%zz", "%C2", "+", "%00", "a%2Cb", ""))
    return st.one_of(text.map(_encoded), raw)


def query(op: Operation, ctx: Context) -> st.SearchStrategy[tuple[tuple[str, str], ...]]:
    """Some documented parameters (some repeated), sometimes an unknown one."""
    schemas = dict(op.query)
    names = [*schemas, "unknown", "per_page", _encoded("\ud800")]
    # Built once per name: a strategy made inside flatmap is validated again at every draw.
    pairs = {name: st.tuples(st.just(name), query_value(name, schemas.get(name, {}), ctx))
             for name in names}
    pair = st.sampled_from(names).flatmap(pairs.__getitem__)
    return st.lists(pair, max_size=4).map(tuple)


def path_id(ctx: Context) -> st.SearchStrategy[str]:
    """A real image id from setup or a random one, encoded for a path segment."""
    random = st.one_of(st.text(alphabet="0123456789abcdef", min_size=1, max_size=40),
                       odd_text.filter(lambda t: t not in ("", ".", "..")))
    if not ctx.image_ids:
        return random.map(_encoded)
    real = st.sampled_from(ctx.image_ids)
    return st.one_of(real, real, real, random.map(_encoded))


def body(op: Operation) -> st.SearchStrategy[bytes | None]:
    """A body for the operation: schema-shaped with hostile values, odd JSON, or none."""
    shaped = schema_object(op.body).map(to_json) if op.body else st.nothing()
    text = st.one_of(shaped, shaped, shaped, json_values.map(to_json), raw_json)
    encoded = text.map(lambda t: t.encode("utf-8", "surrogatepass"))
    return st.one_of(encoded, encoded, st.just(None), st.binary(max_size=64))


def headers(forge: Forge) -> st.SearchStrategy[tuple[str, dict[str, str]]]:
    """(token kind, headers): a token or forgery, Content-Type that may lie, an odd Origin."""
    return st.tuples(
        authorizations(forge),
        st.sampled_from((*CONTENT_TYPES, None, None, None, None, ODD)).flatmap(
            lambda value: header_text if value is ODD else st.just(value)),
        st.one_of(st.none(), st.none(), st.sampled_from(ORIGINS)),
    ).map(_headers)


def _headers(parts: tuple[tuple[str, str | None], str | None, str | None]
             ) -> tuple[str, dict[str, str]]:
    (kind, authorization), content_type, origin = parts
    found = {"Authorization": authorization, "Content-Type": content_type, "Origin": origin}
    return kind, {name: value for name, value in found.items() if value is not None}


def request_for(op: Operation, ctx: Context, prefix: str = "") -> st.SearchStrategy[FuzzRequest]:
    """Requests for one operation of the document."""
    ids = st.tuples(*(path_id(ctx) for _ in op.path_params))
    sends_body = op.method in ("POST", "PUT", "PATCH") or op.body is not None
    return st.builds(
        lambda segments, q, head, sent: FuzzRequest(
            method=op.method, path=prefix + _fill(op, segments), query=q,
            headers=head[1], body=sent, token_kind=head[0], operation=op.key),
        ids, query(op, ctx), headers(ctx.forge),
        body(op) if sends_body else st.just(None),
    )


def _fill(op: Operation, segments: tuple[str, ...]) -> str:
    path = op.path
    for name, value in zip(op.path_params, segments, strict=True):
        path = path.replace("{" + name + "}", value)
    return path

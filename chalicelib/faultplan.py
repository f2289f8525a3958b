"""Which faults to inject where: a plan parsed from the FAULT_INJECTION setting (stdlib only).

Two spellings. Short: comma-separated `kind:rate` entries and an optional `seed:N`, e.g.
`s3_slowdown:0.02,dynamodb_throttle:0.01,seed:7`. JSON, for everything a rule can say:
`{"seed": 7, "faults": [{"kind": "dynamodb_throttle", "every": 3, "methods": ["finish"]},
{"kind": "search_down", "window": [0, 60]}, {"kind": "sqs_send", "nth": [1]}]}`.

A rule fires on a call to one of its methods (the kind's own methods when none are named, on
the named `targets` only when some are) if any of its triggers says so: `nth` (those call
numbers, counted per rule from 1), `every` (every Nth call), `rate` (that fraction of calls,
drawn from a generator seeded by the plan's seed, so a run reproduces), `window` (every call
while the plan's clock, in seconds since the plan started, is in [start, end))."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

# The methods of each port kind a fault can hit (what calls the service behind it)
PORT_METHODS: dict[str, tuple[str, ...]] = {
    "blobs": ("head", "read", "put", "find_version", "delete", "delete_version", "purge",
              "listing"),
    "repository": (
        "add", "get", "list_by_owner", "update_metadata", "start_processing", "record_facts",
        "add_renditions", "finish", "reject", "fail", "count_download", "mark_deleted",
        "delete", "all_ready", "open_since", "mark_repaired", "expire_pending",
        "backfill_stage", "scan_segment", "add_pending", "quota_usage", "release_pending",
        "count_published", "add_report", "hold_reported", "decide", "review_queue",
        "with_sha256", "hold_duplicate", "mark_possible_duplicate",
        "add_next_rendition", "flip_profile", "ready_on_older_profile",
    ),
    "queue": ("publish", "renotify", "backlog"),
    "search": ("apply", "search", "suggest", "similar", "rebuild", "versions", "ids_after",
               "refresh_outdated"),
}
# The repository's conditional transitions, and what each returns when it loses the race
LOST_RACE: dict[str, object] = {
    "start_processing": None, "record_facts": False, "add_renditions": None,
    "finish": False, "reject": False, "fail": False, "mark_deleted": None,
    "update_metadata": None, "count_download": None,
    "mark_repaired": False, "expire_pending": False, "backfill_stage": False,
    "add_report": None, "hold_reported": False, "decide": None,
    "hold_duplicate": False, "mark_possible_duplicate": False,
    "add_next_rendition": None, "flip_profile": None,
}
# kind -> the port kind it applies to
KINDS: dict[str, str] = {
    "s3_slowdown": "blobs",  # S3 503 SlowDown
    "s3_timeout": "blobs",  # botocore ReadTimeoutError
    "dynamodb_throttle": "repository",  # ProvisionedThroughputExceededException via pynamodb
    "dynamodb_race": "repository",  # a conditional write lost to another writer
    "sqs_send": "queue",  # SendMessageBatch refused (RequestThrottled)
    "search_down": "search",  # connection refused by the search engine
}


@dataclass(frozen=True)
class FaultRule:
    """One kind of fault and when it fires."""

    kind: str
    rate: float = 0.0
    every: int = 0
    nth: tuple[int, ...] = ()
    window: tuple[float, float] | None = None
    methods: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()

    @property
    def port(self) -> str:
        """The port kind this rule's faults belong to."""
        return KINDS[self.kind]

    def hits(self, method: str) -> bool:
        """Whether a call to `method` is one this rule counts (and may fail)."""
        return method in (self.methods or methods_of(self.kind))


def methods_of(kind: str) -> tuple[str, ...]:
    """Every method a fault of this kind can hit."""
    if kind == "dynamodb_race":
        return tuple(LOST_RACE)
    return PORT_METHODS[KINDS[kind]]


@dataclass(frozen=True)
class FaultPlan:
    """Every rule, and the seed their random draws start from."""

    rules: tuple[FaultRule, ...] = field(default_factory=tuple)
    seed: int = 0


def parse_plan(spec: str) -> FaultPlan | None:
    """The plan a FAULT_INJECTION value spells (None for an empty one); ValueError if wrong."""
    spec = spec.strip()
    if not spec:
        return None
    if spec.startswith("{"):
        return _from_json(json.loads(spec))
    return _from_short(spec)


def _from_short(spec: str) -> FaultPlan:
    rules, seed = [], 0
    for entry in (part.strip() for part in spec.split(",") if part.strip()):
        kind, sep, value = entry.partition(":")
        if not sep:
            raise ValueError(f"fault entry {entry!r} is not kind:rate")
        if kind.strip() == "seed":
            seed = int(value)
        else:
            rules.append(_rule({"kind": kind.strip(), "rate": float(value)}))
    return FaultPlan(tuple(rules), seed)


def _from_json(value: object) -> FaultPlan:
    if not isinstance(value, dict) or not isinstance(value.get("faults"), list):
        raise ValueError('a JSON fault plan is {"seed": N, "faults": [rule, ...]}')
    return FaultPlan(tuple(_rule(r) for r in value["faults"]), int(value.get("seed", 0)))


def _rule(raw: object) -> FaultRule:
    if not isinstance(raw, dict):
        raise ValueError(f"a fault rule is an object, not {raw!r}")
    unknown = set(raw) - {"kind", "rate", "every", "nth", "window", "methods", "targets"}
    if unknown or raw.get("kind") not in KINDS:
        raise ValueError(f"fault rule {raw!r}: kind one of {sorted(KINDS)}, no {sorted(unknown)}")
    window = raw.get("window")
    rule = FaultRule(
        kind=str(raw["kind"]),
        rate=float(raw.get("rate", 0.0)),
        every=int(raw.get("every", 0)),
        nth=tuple(int(n) for n in raw.get("nth", ())),
        window=None if window is None else (float(window[0]), float(window[1])),
        methods=tuple(str(m) for m in raw.get("methods", ())),
        targets=tuple(str(t) for t in raw.get("targets", ())),
    )
    if not 0.0 <= rule.rate <= 1.0 or rule.every < 0:
        raise ValueError(f"fault rule {raw!r}: rate in [0, 1], every >= 0")
    if set(rule.methods) - set(methods_of(rule.kind)):
        raise ValueError(f"fault rule {raw!r}: {rule.kind} hits only {methods_of(rule.kind)}")
    if not (rule.rate or rule.every or rule.nth or rule.window):
        raise ValueError(f"fault rule {raw!r} never fires: give rate, every, nth or window")
    return rule

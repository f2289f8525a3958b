"""The indexer with moderation's stream records: held photos stay out of search, an approved
one goes in, one reported back to review comes out."""

from __future__ import annotations

import copy
from typing import Any

from tests.handlers.conftest import Lambdas, payload

IMAGE_ID = "e" * 32
DECISION = {"M": {"by": {"S": "sub-admin"}, "at": {"S": "2026-11-27T13:00:00Z"},
                  "decision": {"S": "approve"}, "note": {"S": ""},
                  "reasons": {"L": [{"S": "new_contributor"}]}}}
REPORT = {"M": {"by": {"S": "sub-r1"}, "reason": {"S": "spam"}, "note": {"S": ""},
                "at": {"S": "2026-11-27T14:00:00Z"}}}


def _record(status: str, version: int, **extra: Any) -> dict[str, Any]:
    """The stored ready record, its new image changed to `status` at `version`."""
    event = payload("dynamodb_stream_ready", IMAGE_ID=IMAGE_ID)
    new = event["Records"][0]["dynamodb"]["NewImage"]
    new.update(status={"S": status}, version={"N": str(version)}, **extra)
    return event


def _indexed(lambdas: Lambdas) -> dict[str, Any]:
    return dict(lambdas.deps.search_index().docs)  # type: ignore[attr-defined]


def test_a_held_photo_is_not_indexed_and_an_approved_one_is(lambdas: Lambdas) -> None:
    held = _record("in_review", 5, review_reasons={"L": [{"S": "new_contributor"}]},
                   stage={"S": "in_review"}, stage_at={"S": "2026-11-27T12:30:00Z"})
    assert lambdas.invoke("indexer", held) == {"batchItemFailures": []}
    assert IMAGE_ID not in _indexed(lambdas)
    approved = _record("ready", 6, decisions={"L": [DECISION]}, open_reports={"N": "0"})
    assert lambdas.invoke("indexer", approved) == {"batchItemFailures": []}
    assert _indexed(lambdas)[IMAGE_ID].version == 6


def test_a_photo_reported_back_to_review_leaves_search(lambdas: Lambdas) -> None:
    lambdas.invoke("indexer", _record("ready", 5))
    assert IMAGE_ID in _indexed(lambdas)
    reported = _record("in_review", 6, review_reasons={"L": [{"S": "reported"}]},
                       reporters={"SS": ["sub-r1"]}, reports={"L": [copy.deepcopy(REPORT)]},
                       open_reports={"N": "3"})
    assert lambdas.invoke("indexer", reported) == {"batchItemFailures": []}
    assert IMAGE_ID not in _indexed(lambdas)

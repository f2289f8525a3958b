"""The indexer carries the purge a moderator's reject owes: the record that moves a photo from
review to rejected removes its public renditions and invalidates them (the stream is the
outbox); a failure raises so the mapping retries the batch."""

from __future__ import annotations

import pytest

from tests.handlers.conftest import Lambdas, payload

IMAGE_ID = "d" * 32
THUMB = f"{IMAGE_ID}/thumb.webp"


def _rejected_from_review() -> dict[str, object]:
    event = payload("dynamodb_stream_ready", IMAGE_ID=IMAGE_ID)
    change = event["Records"][0]["dynamodb"]
    change["OldImage"] = {**change["NewImage"], "status": {"S": "in_review"}}
    change["NewImage"].update(status={"S": "rejected"}, reason={"S": "moderation"},
                              moderation_note={"S": "not yours"}, version={"N": "9"})
    return event


def test_the_record_of_a_reject_takes_the_renditions_down(lambdas: Lambdas) -> None:
    lambdas.deps.renditions.put(THUMB, b"R", "image/webp")
    assert lambdas.invoke("indexer", _rejected_from_review()) == {"batchItemFailures": []}
    assert THUMB not in lambdas.deps.renditions.objects  # type: ignore[attr-defined]
    assert lambdas.deps.cdn.invalidated == [f"/renditions/{IMAGE_ID}/*"]  # type: ignore[attr-defined]
    assert IMAGE_ID not in lambdas.deps.search_index().docs  # type: ignore[attr-defined]


def test_a_refused_purge_fails_the_batch_so_it_comes_again(
    lambdas: Lambdas, monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(keys: object) -> None:
        raise ConnectionError("S3 refused the delete")

    monkeypatch.setattr(lambdas.deps.renditions, "delete", refuse)
    with pytest.raises(ConnectionError):
        lambdas.invoke("indexer", _rejected_from_review())

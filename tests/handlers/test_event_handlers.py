"""Ingest and render handlers: partial batch failures, retries, poison, test events."""

from __future__ import annotations

import json
from functools import cache

import pytest

from chalicelib.auth import Principal
from chalicelib.domain.model import Status
from chalicelib.services.uploads import request_upload
from tests.handlers.conftest import Lambdas, batch, payload
from tests.images import factory

ALICE = Principal("sub-alice", "alice", frozenset({"contributors"}))


@cache
def _photo() -> bytes:
    """3000x2000: the thumb is small enough for ingest to cut, the 2048 px large fans out."""
    return factory.photo(3000, 2000)


def notified(lambdas: Lambdas, image_id: str) -> dict:  # type: ignore[type-arg]
    """The S3 notification (through SQS) of the image's current upload version."""
    kept = lambdas.deps.uploads.versions.get(f"uploads/{image_id}", [])
    etag, version = (kept[-1].etag, kept[-1].version_id) if kept else ("ETAG", "VERSION_ID")
    return payload("sqs_s3_object_created", IMAGE_ID=image_id, ETAG=etag, VERSION_ID=version)


def _uploaded(lambdas: Lambdas, data: bytes) -> str:
    body = {"filename": "a.jpg", "content_type": "image/jpeg", "size": len(data)}
    image_id = request_upload(lambdas.deps, ALICE, body).image_id
    lambdas.deps.uploads.put(f"uploads/{image_id}", data, "image/jpeg")
    return image_id


def test_s3_notification_through_sqs_is_ingested(lambdas: Lambdas) -> None:
    # A 3000x2000 photo: the thumb is cut by ingest, the 2048 px large fans out
    image_id = _uploaded(lambdas, _photo())
    result = lambdas.invoke("ingest", notified(lambdas, image_id))
    assert result == {"batchItemFailures": []}
    image = lambdas.deps.repo.get(image_id)
    assert image.status is Status.PROCESSING and set(image.renditions) == {"thumb"}
    assert {t.rendition for t in lambdas.deps.queue.sent} == {"large", "full"}


def test_s3_test_event_is_consumed_without_work(lambdas: Lambdas) -> None:
    result = lambdas.invoke("ingest", payload("sqs_s3_test_event"))
    assert result == {"batchItemFailures": []} and lambdas.deps.queue.sent == []


def test_notification_for_another_bucket_is_ignored(lambdas: Lambdas) -> None:
    image_id = _uploaded(lambdas, _photo())
    event = notified(lambdas, image_id)
    event["Records"][0]["body"] = event["Records"][0]["body"].replace(
        '"name":"stock-images-uploads"', '"name":"someone-else"'
    )
    assert lambdas.invoke("ingest", event) == {"batchItemFailures": []}
    assert lambdas.deps.repo.get(image_id).status is Status.PENDING


def test_one_poison_message_fails_alone_and_the_others_succeed(lambdas: Lambdas) -> None:
    good = _uploaded(lambdas, _photo())
    poison = _uploaded(lambdas, _photo())
    lambdas.deps.uploads.head = _exploding_for(lambdas.deps.uploads.head, poison)
    base = notified(lambdas, good)
    bad_body = base["Records"][0]["body"].replace(good, poison)
    event = batch(base, [("m-good", base["Records"][0]["body"], 1), ("m-bad", bad_body, 1)])
    result = lambdas.invoke("ingest", event)
    assert result == {"batchItemFailures": [{"itemIdentifier": "m-bad"}]}
    assert lambdas.deps.repo.get(good).status is Status.PROCESSING
    assert lambdas.deps.repo.get(poison).status is Status.PROCESSING  # retried later


def test_poison_on_its_last_receive_marks_the_image_failed(lambdas: Lambdas) -> None:
    poison = _uploaded(lambdas, _photo())
    lambdas.deps.uploads.head = _exploding_for(lambdas.deps.uploads.head, poison)
    base = notified(lambdas, poison)
    event = batch(base, [("m-bad", base["Records"][0]["body"], 5)])
    assert lambdas.invoke("ingest", event) == {"batchItemFailures": [{"itemIdentifier": "m-bad"}]}
    image = lambdas.deps.repo.get(poison)
    assert (image.status, image.reason) == (Status.FAILED, "processing_error")


def test_garbage_message_is_dropped_not_retried(lambdas: Lambdas) -> None:
    base = payload("sqs_s3_object_created", IMAGE_ID="x")
    event = batch(base, [("m-junk", "not json", 1)])
    assert lambdas.invoke("ingest", event) == {"batchItemFailures": []}


def test_render_message_renders_and_last_one_makes_ready(lambdas: Lambdas) -> None:
    image_id = _uploaded(lambdas, _photo())
    lambdas.invoke("ingest", notified(lambdas, image_id))
    base = payload("sqs_render", IMAGE_ID=image_id)
    names = ("thumb", "large", "full")
    bodies = [json.dumps({"image_id": image_id, "rendition": n}) for n in names]
    event = batch(base, [(f"m{i}", b, 1) for i, b in enumerate(bodies)])
    assert lambdas.invoke("render", event) == {"batchItemFailures": []}
    image = lambdas.deps.repo.get(image_id)
    assert image.status is Status.READY and set(image.renditions) == set(names)


def test_render_failure_on_last_receive_fails_the_image(lambdas: Lambdas) -> None:
    image_id = _uploaded(lambdas, _photo())
    lambdas.invoke("ingest", notified(lambdas, image_id))
    # the master vanished, and the original a render would cut from instead: KeyError
    lambdas.deps.uploads.delete([f"masters/{image_id}.tif"])
    lambdas.deps.originals.purge([f"originals/{image_id}"])
    base = payload("sqs_render", IMAGE_ID=image_id)
    large = json.dumps({"image_id": image_id, "rendition": "large"})  # the one fanned out
    base = batch(base, [("r1", large, 1)])
    first = lambdas.invoke("render", batch(base, [("r1", base["Records"][0]["body"], 1)]))
    assert first == {"batchItemFailures": [{"itemIdentifier": "r1"}]}
    assert lambdas.deps.repo.get(image_id).status is Status.PROCESSING
    last = lambdas.invoke("render", batch(base, [("r1", base["Records"][0]["body"], 5)]))
    assert last == {"batchItemFailures": [{"itemIdentifier": "r1"}]}
    image = lambdas.deps.repo.get(image_id)
    assert (image.status, image.reason) == (Status.FAILED, "processing_error")


def _exploding_for(head, image_id: str):  # type: ignore[no-untyped-def]
    def wrapped(key: str, pin=None):  # type: ignore[no-untyped-def]
        if image_id in key:
            raise ConnectionError("S3 is having a bad day")
        return head(key, pin)

    return wrapped


def _emf(output: str) -> dict[str, int]:
    """Metric name -> value from the embedded-metric-format lines a handler printed."""
    counted: dict[str, int] = {}
    for line in output.splitlines():
        if '"_aws"' not in line:
            continue
        blob = json.loads(line)
        for directive in blob["_aws"]["CloudWatchMetrics"]:
            for metric in directive["Metrics"]:
                value = blob[metric["Name"]]
                counted[metric["Name"]] = sum(value) if isinstance(value, list) else value
    return counted


def test_each_outcome_is_published_as_a_cloudwatch_metric(
    lambdas: Lambdas, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("POWERTOOLS_METRICS_DISABLED", raising=False)
    # GIVEN one good upload
    image_id = _uploaded(lambdas, _photo())
    capsys.readouterr()
    # WHEN it is ingested and its renditions are rendered (thumb again, large, full)
    lambdas.invoke("ingest", notified(lambdas, image_id))
    base = payload("sqs_render", IMAGE_ID=image_id)
    names = ("thumb", "large", "full")
    bodies = [json.dumps({"image_id": image_id, "rendition": n}) for n in names]
    lambdas.invoke("render", batch(base, [(f"m{i}", b, 1) for i, b in enumerate(bodies)]))
    # THEN CloudWatch would count one fan-out, two rendered and one ready
    assert _emf(capsys.readouterr().out) == {
        "ingest.fanned_out": 1, "render.rendered": 2, "render.ready": 1
    }

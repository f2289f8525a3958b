"""The indexer Lambda with stream payloads: ready -> upsert, remove -> delete, replays safe."""

from __future__ import annotations

from tests.handlers.conftest import Lambdas, payload

IMAGE_ID = "f" * 32


def _index(lambdas: Lambdas):  # type: ignore[no-untyped-def]
    return lambdas.deps.search_index()


def test_an_image_turning_ready_is_indexed_with_its_facts(lambdas: Lambdas) -> None:
    result = lambdas.invoke("indexer", payload("dynamodb_stream_ready", IMAGE_ID=IMAGE_ID))
    assert result == {"batchItemFailures": []}
    doc = _index(lambdas).docs[IMAGE_ID]
    assert (doc.title, doc.tags, doc.version, doc.color) == (
        "Running foxes",
        ("fox", "wildlife"),
        5,
        "orange",
    )
    assert doc.renditions["thumb"].width == 200


def test_a_removal_deletes_and_a_replayed_ready_does_not_resurrect(lambdas: Lambdas) -> None:
    lambdas.invoke("indexer", payload("dynamodb_stream_ready", IMAGE_ID=IMAGE_ID))
    lambdas.invoke("indexer", payload("dynamodb_stream_remove", IMAGE_ID=IMAGE_ID))
    lambdas.invoke("indexer", payload("dynamodb_stream_ready", IMAGE_ID=IMAGE_ID))
    assert IMAGE_ID not in _index(lambdas).docs


def test_an_index_failure_fails_the_batch_for_a_retry(lambdas: Lambdas) -> None:
    def down(changes):  # type: ignore[no-untyped-def]
        raise ConnectionError("search engine unavailable")

    _index(lambdas).apply = down
    try:
        lambdas.invoke("indexer", payload("dynamodb_stream_ready", IMAGE_ID=IMAGE_ID))
    except ConnectionError:
        return
    raise AssertionError("the batch must fail so the mapping retries it")

"""The packaged indexer: its stream mapping, where failed batches go, and what its role may do."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.deploy.sam_reading import allowed, functions, role_statements, target

STREAM = "${ImagesTable.StreamArn}"
FAILURES = "${IndexerFailuresQueue.Arn}"
TABLE = "${ImagesTable.Arn}"
FOURTEEN_DAYS = 14 * 24 * 3600



@pytest.fixture(scope="module")
def indexer(template: dict[str, Any]) -> dict[str, Any]:
    return functions(template)["Indexer"]


@pytest.fixture(scope="module")
def mapping(indexer: dict[str, Any]) -> dict[str, Any]:
    (event,) = indexer["Events"].values()
    assert event["Type"] == "DynamoDB"
    properties: dict[str, Any] = event["Properties"]
    return properties


def test_the_mapping_reads_the_table_stream_from_the_start(mapping: dict[str, Any]) -> None:
    # GIVEN Chalice's placeholder stream ARN WHEN merged THEN the template's stream replaces it
    assert mapping["Stream"] == {"Fn::Sub": STREAM}
    assert mapping["StartingPosition"] == "TRIM_HORIZON"
    assert mapping["BatchSize"] == 100


def test_a_poison_record_cannot_block_the_shard(mapping: dict[str, Any]) -> None:
    # GIVEN a record that always fails WHEN Lambda retries THEN the batch is halved down to it,
    # retried at most 5 times or for an hour, and only the failed items are reported
    assert mapping["BisectBatchOnFunctionError"] is True
    assert mapping["MaximumRetryAttempts"] == 5
    assert mapping["MaximumRecordAgeInSeconds"] == 3600
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def test_batches_given_up_on_go_to_the_failures_queue(
    mapping: dict[str, Any], template: dict[str, Any]
) -> None:
    on_failure = mapping["DestinationConfig"]["OnFailure"]
    assert on_failure["Type"] == "SQS"
    assert target(on_failure["Destination"]) == FAILURES
    queue = template["Resources"]["IndexerFailuresQueue"]
    assert queue["Type"] == "AWS::SQS::Queue"
    assert target(queue["Properties"]["QueueName"]) == "${Prefix}-indexer-failures"
    assert queue["Properties"]["MessageRetentionPeriod"] == FOURTEEN_DAYS


def test_the_indexer_is_small_and_has_no_imaging_layer(indexer: dict[str, Any]) -> None:
    assert target(indexer["FunctionName"]) == "${Prefix}-indexer"
    assert (indexer["MemorySize"], indexer["Timeout"]) == (512, 60)
    assert "Layers" not in indexer
    assert indexer["Handler"] == "app.indexer"


INDEXER_GRANTS = [
    ("dynamodb:DescribeStream", STREAM),
    ("dynamodb:GetRecords", STREAM),
    ("dynamodb:GetShardIterator", STREAM),
    ("dynamodb:ListStreams", STREAM),
    ("sqs:SendMessage", FAILURES),
]
INDEXER_DENIED = [
    ("dynamodb:GetItem", TABLE),  # the stream carries the new image: no table reads
    ("dynamodb:Scan", TABLE),  # reindex runs as an operator, not as this function
    ("dynamodb:GetRecords", "${OtherTable.StreamArn}"),
    ("sqs:SendMessage", "${RenderQueue.Arn}"),
    ("sqs:ReceiveMessage", FAILURES),
    ("s3:GetObject", "${UploadsBucket.Arn}/masters/*"),
]


@pytest.mark.parametrize(("action", "resource"), INDEXER_GRANTS)
def test_the_indexer_role_reads_the_stream_and_reports_failures(
    template: dict[str, Any], action: str, resource: str
) -> None:
    assert allowed(role_statements(template, "Indexer"), action, resource)


@pytest.mark.parametrize(("action", "resource"), INDEXER_DENIED)
def test_the_indexer_role_reaches_nothing_else(
    template: dict[str, Any], action: str, resource: str
) -> None:
    assert not allowed(role_statements(template, "Indexer"), action, resource)


@pytest.mark.parametrize("function", ["APIHandler", "Ingest", "Render"])
def test_no_other_function_may_read_the_stream_or_fake_a_failure(
    template: dict[str, Any], function: str
) -> None:
    statements = role_statements(template, function)
    assert not allowed(statements, "dynamodb:GetRecords", STREAM)
    assert not allowed(statements, "sqs:SendMessage", FAILURES)

"""The local stack's moto answers a base-table Query from its partition alone: the same items in
the same order as moto's own whole-table sort, whatever the key condition, direction, limit or
page; index queries and scans still see the whole table."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.dynamodb.models.table import Table

from infra.local.keyed_queries import keyed_all_items, keyed_query

QUERIES: list[dict[str, Any]] = [
    {"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "b3"}}},
    {"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "b3"}},
     "ScanIndexForward": False, "Limit": 4},
    {"KeyConditionExpression": "pk = :p AND begins_with(sk, :s)",
     "ExpressionAttributeValues": {":p": {"S": "b1"}, ":s": {"S": "img-1"}}},
    {"KeyConditionExpression": "pk = :p AND sk BETWEEN :a AND :z",
     "ExpressionAttributeValues": {":p": {"S": "b2"}, ":a": {"S": "img-03"}, ":z": {"S": "img-12"}},
     "FilterExpression": "n > :n", "ExpressionAttributeValues_extra": {":n": {"N": "5"}}},
    {"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "none"}}},
    {"IndexName": "by_n", "KeyConditionExpression": "n = :n",
     "ExpressionAttributeValues": {":n": {"N": "7"}}},
]


@pytest.fixture
def table() -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(
            TableName="bands", BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": name, "AttributeType": kind}
                                  for name, kind in (("pk", "S"), ("sk", "S"), ("n", "N"))],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                       {"AttributeName": "sk", "KeyType": "RANGE"}],
            GlobalSecondaryIndexes=[{"IndexName": "by_n", "Projection": {"ProjectionType": "ALL"},
                                     "KeySchema": [{"AttributeName": "n", "KeyType": "HASH"}]}])
        for band in range(5):
            for image in range(15, -1, -1):  # written out of order
                client.put_item(TableName="bands", Item={
                    "pk": {"S": f"b{band}"}, "sk": {"S": f"img-{image:02d}"},
                    "n": {"N": str((band * 7 + image) % 11)}})
        yield client


def answers(client: Any) -> list[list[dict[str, Any]]]:
    """Every query's pages, followed to the end (Limit makes several)."""
    found = []
    for query in QUERIES:
        arguments = dict(query)
        extra = arguments.pop("ExpressionAttributeValues_extra", {})
        arguments["ExpressionAttributeValues"] = {**arguments["ExpressionAttributeValues"],
                                                  **extra}
        pages, start = [], None
        while True:
            page = client.query(TableName="bands", **arguments,
                                **({"ExclusiveStartKey": start} if start else {}))
            pages.append({"items": page["Items"], "last": page.get("LastEvaluatedKey")})
            start = page.get("LastEvaluatedKey")
            if not start:
                break
        found.append(pages)
    return found


def test_given_the_patch_then_every_query_answers_exactly_as_moto_does(
        table: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    before = answers(table)
    assert [len(pages[0]["items"]) for pages in before][:3] == [16, 4, 6]
    monkeypatch.setattr(Table, "query", keyed_query(Table.query))
    monkeypatch.setattr(Table, "all_items", keyed_all_items(Table.all_items))
    assert answers(table) == before
    scanned = table.scan(TableName="bands")["Items"]
    assert len(scanned) == 80  # a scan still sees every partition


def test_given_the_patch_then_a_base_table_query_never_lists_the_whole_table(
        table: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    listed: list[int] = []
    whole = Table.all_items

    def counting(self: Any) -> Any:
        items = whole(self)
        listed.append(len(items))
        return items

    monkeypatch.setattr(Table, "query", keyed_query(Table.query))
    monkeypatch.setattr(Table, "all_items", keyed_all_items(counting))
    table.query(TableName="bands", KeyConditionExpression="pk = :p",
                ExpressionAttributeValues={":p": {"S": "b4"}})
    assert listed == []
    table.query(TableName="bands", IndexName="by_n", KeyConditionExpression="n = :n",
                ExpressionAttributeValues={":n": {"N": "3"}})
    assert listed == [80]  # an index query is moto's own, over the whole table

"""The insights table forgets a day's counts by its TTL: the adapter writes the attribute
template.yaml names, as epoch seconds (moto never expires items, so the attribute is checked)."""

from __future__ import annotations

import pytest

from chalicelib.adapters.dynamodb.insights import DynamoWantedStore
from chalicelib.domain.wanted import DayTally, expires_at
from tests.contract import moto_backends


def test_each_count_carries_the_ttl_attribute_the_table_declares(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from infra.local import template

    declared = next(r for r in template.load(moto_backends.ROOT / "template.yaml").resources
                    if r.logical_id == "InsightsTable")
    ttl = declared.properties["TimeToLiveSpecification"]
    assert ttl["Enabled"] is True
    with moto_backends.mocked_aws(monkeypatch):
        moto_backends.create_declared_table("InsightsTable", "ttl-insights")
        store = DynamoWantedStore("ttl-insights", "us-east-1")
        when = expires_at("2026-12-07", 90)
        store.add(DayTally("2026-12-07", "storm", 1, "2026-12-07T10:00:00Z"), when)
        import boto3

        item = boto3.client("dynamodb", region_name="us-east-1").get_item(
            TableName="ttl-insights", Key={"pk": {"S": "wanted#2026-12-07"}, "sk": {"S": "storm"}}
        )["Item"]
    assert item[ttl["AttributeName"]] == {"N": str(when)}
    assert item["count"] == {"N": "1"}
    assert set(item) == {"pk", "sk", "count", "last_seen", ttl["AttributeName"]}

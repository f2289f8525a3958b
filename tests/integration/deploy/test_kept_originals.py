"""Issue 13's template rules: versioned uploads, the private originals bucket, tombstones that
expire, and the API's id of (and right to invalidate) its own distribution."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from tests.integration.deploy.conftest import Packaged
from tests.integration.deploy.sam_reading import (
    dependency_graph,
    find_cycle,
    functions,
    lifecycle,
    references,
    role_statements,
    target,
)

THIS_DISTRIBUTION = (
    "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${Distribution}"
)
# Whatever the key, both buckets clean up the same way around the versions they keep.
VERSIONED_TIDYING = {"lone_markers": [True], "abort": [1]}


@pytest.fixture(scope="module")
def uploads(resources: dict[str, Any]) -> dict[str, Any]:
    properties: dict[str, Any] = resources["UploadsBucket"]["Properties"]
    return properties


@pytest.fixture(scope="module")
def originals(resources: dict[str, Any]) -> dict[str, Any]:
    properties: dict[str, Any] = resources["OriginalsBucket"]["Properties"]
    return properties


def test_uploads_are_versioned_so_ingest_can_pin_the_version_an_event_names(
    uploads: dict[str, Any],
) -> None:
    assert uploads["VersioningConfiguration"] == {"Status": "Enabled"}


def test_an_upload_nobody_accepted_goes_after_the_retention_days_default_one(
    template: dict[str, Any], uploads: dict[str, Any]
) -> None:
    # GIVEN an upload ingest never copied away (abandoned or rejected) WHEN lifecycle runs
    # THEN it expires after UploadRetentionDays, and its hidden version a day after that
    assert lifecycle(uploads, "uploads/abc") == {
        "expire": [{"Ref": "UploadRetentionDays"}], "noncurrent": [1], **VERSIONED_TIDYING,
    }
    parameter = template["Parameters"]["UploadRetentionDays"]
    assert parameter["Default"] == 1 and parameter["MinValue"] >= 1


def test_a_master_the_service_never_deleted_goes_after_three_days(
    uploads: dict[str, Any],
) -> None:
    assert lifecycle(uploads, "masters/abc.tif") == {
        "expire": [3], "noncurrent": [1], **VERSIONED_TIDYING,
    }


def test_originals_bucket_is_named_per_stage_and_account_and_versioned(
    originals: dict[str, Any],
) -> None:
    assert target(originals["BucketName"]) == "${Prefix}-originals-${AWS::AccountId}"
    assert originals["VersioningConfiguration"] == {"Status": "Enabled"}


@pytest.mark.parametrize("key", ["originals/abc", "full/abc.jpg"])
def test_originals_and_downloads_are_kept_and_tier_down_after_thirty_days(
    originals: dict[str, Any], key: str
) -> None:
    # GIVEN a kept original or a full-size download WHEN lifecycle runs
    # THEN it never expires, goes to Intelligent-Tiering at 30 days, and an overwritten or
    # deleted version stays recoverable for 30 days
    assert lifecycle(originals, key) == {
        "transition": [("INTELLIGENT_TIERING", 30)], "noncurrent": [30], **VERSIONED_TIDYING,
    }


def test_nothing_at_the_edge_reaches_the_originals_bucket(resources: dict[str, Any]) -> None:
    # GIVEN the distribution and every bucket policy WHEN looking for the originals bucket
    config = resources["Distribution"]["Properties"]["DistributionConfig"]
    assert "OriginalsBucket" not in references(config)
    (policy,) = [
        body["Properties"] for body in resources.values()
        if body["Type"] == "AWS::S3::BucketPolicy"
        and body["Properties"]["Bucket"] == {"Ref": "OriginalsBucket"}
    ]  # fmt: skip
    # THEN no origin names it and its policy only denies (downloads are presigned by our roles)
    effects = {s["Effect"] for s in policy["PolicyDocument"]["Statement"]}
    assert effects == {"Deny"}
    assert "Distribution" not in references(policy)


def test_the_originals_bucket_name_is_an_output(
    template: dict[str, Any],
) -> None:
    outputs = template["Outputs"]
    assert target(outputs["OriginalsBucketName"]["Value"]) == "${OriginalsBucket}"


def test_tombstones_expire_through_the_tables_ttl_on_expires_at(
    resources: dict[str, Any],
) -> None:
    ttl = resources["ImagesTable"]["Properties"]["TimeToLiveSpecification"]
    assert ttl == {"AttributeName": "expires_at", "Enabled": True}


# The functions that invalidate at the CDN: their policy and role
INVALIDATORS = {
    "APIHandler": ("ApiInvalidationPolicy", "ApiHandlerRole"),
    "Indexer": ("IndexerInvalidationPolicy", "IndexerRole"),
}


def test_functions_find_the_originals_bucket_and_only_invalidators_the_distribution(
    template: dict[str, Any],
) -> None:
    for name, props in functions(template).items():
        env = props["Environment"]["Variables"]
        assert target(env["ORIGINALS_BUCKET"]) == "${OriginalsBucket}", name
        if name in INVALIDATORS:
            assert env["CDN_DISTRIBUTION_ID"] == {"Ref": "DistributionId"}
        else:
            assert "CDN_DISTRIBUTION_ID" not in env, name


def test_the_distribution_id_parameter_takes_an_id_or_nothing(template: dict[str, Any]) -> None:
    parameter = template["Parameters"]["DistributionId"]
    pattern = re.compile(parameter["AllowedPattern"])
    assert parameter["Default"] == ""
    assert all(pattern.fullmatch(v) for v in ("", "E2QWRUHAPOMQZL"))
    refused = ("arn:aws:cloudfront::1:distribution/E2", "E2 E3", "e2qwruhapomqzl", "*")
    assert not any(pattern.fullmatch(v) for v in refused)


def test_the_api_cannot_name_the_distribution_in_its_environment(packaged: Packaged) -> None:
    # GIVEN the API read the id from the Distribution itself WHEN resolving the order
    # THEN Distribution -> RestAPI -> APIHandler -> Distribution: why it is a parameter
    template = copy.deepcopy(packaged.template)
    env = template["Resources"]["APIHandler"]["Properties"]["Environment"]["Variables"]
    env["CDN_DISTRIBUTION_ID"] = {"Ref": "Distribution"}
    cycle = find_cycle(dependency_graph(template))
    assert cycle is not None and {"APIHandler", "Distribution", "RestAPI"} <= set(cycle)


def test_only_the_api_and_the_indexer_may_invalidate_and_only_their_own_distribution(
    template: dict[str, Any],
) -> None:
    # GIVEN every role's statements WHEN collecting the CloudFront ones
    granted = {
        name: [s for s in role_statements(template, name) if "cloudfront" in str(s["Action"])]
        for name in functions(template)
    }
    # THEN the API and the indexer (which finishes a moderator's reject) alone hold one,
    # CreateInvalidation on this stack's distribution
    for name in INVALIDATORS:
        (statement,) = granted.pop(name)
        assert statement["Action"] == "cloudfront:CreateInvalidation"
        assert target(statement["Resource"]) == THIS_DISTRIBUTION
    assert all(found == [] for found in granted.values())
    # AND each right hangs off the role in a policy the function doesn't wait for (a cycle)
    for name, (policy_name, role) in INVALIDATORS.items():
        policy = template["Resources"][policy_name]
        assert policy["Properties"]["Roles"] == [{"Ref": role}]
        assert policy_name not in template["Resources"][name].get("DependsOn", [])

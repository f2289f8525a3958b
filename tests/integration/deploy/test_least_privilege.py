"""Least privilege in the built template: what the API may do in S3 and why, bucket listings
narrowed by prefix, the sign-up trigger reaching one pool with one action."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.deploy.sam_reading import allowed, role_statements, target

UPLOADS = "${UploadsBucket.Arn}/uploads/*"
MASTERS = "${UploadsBucket.Arn}/masters/*"
ORIGINALS = "${OriginalsBucket.Arn}/originals/*"
FULL = "${OriginalsBucket.Arn}/full/*"
RENDITIONS = "${RenditionsBucket.Arn}/*"
HEX_SLICES = [f"{digit:x}*" for digit in range(16)]
# (function, action, bucket) -> the key prefixes its listing may name. A listing of another
# prefix (or of the whole bucket) is refused.
LISTINGS = {
    ("APIHandler", "s3:ListBucketVersions", "UploadsBucket"): ["uploads/*", "masters/*"],
    ("APIHandler", "s3:ListBucketVersions", "OriginalsBucket"): ["originals/*", "full/*"],
    ("Ingest", "s3:ListBucketVersions", "UploadsBucket"): ["uploads/*"],
    ("Ingest", "s3:ListBucketVersions", "OriginalsBucket"): ["originals/*"],
    ("Render", "s3:ListBucketVersions", "UploadsBucket"): ["masters/*"],
    ("Render", "s3:ListBucketVersions", "OriginalsBucket"): ["full/*"],
    ("Sweeper", "s3:ListBucketVersions", "UploadsBucket"): ["uploads/*", "masters/*"],
    ("Sweeper", "s3:ListBucketVersions", "OriginalsBucket"): ["originals/*", "full/*"],
    ("Sweeper", "s3:ListBucket", "OriginalsBucket"): ["originals/*", "full/*"],
    ("Sweeper", "s3:ListBucket", "RenditionsBucket"): HEX_SLICES,  # <image id>/...
}
# A HEAD of a missing key answers 403 instead of 404 without s3:ListBucket on the bucket, and
# that request carries no s3:prefix: these grants can't be narrowed (the Sid says so).
HEADS_MISSING_KEYS = {"Ingest", "Render", "Sweeper"}
FUNCTIONS = ("APIHandler", "Ingest", "Render", "Indexer", "Sweeper", "PostConfirmation")


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _listings(template: dict[str, Any], function: str) -> list[tuple[str, str, Any]]:
    """(action, bucket, condition) of each bucket-level listing grant the role has."""
    return [
        (action, target(resource).removeprefix("${").removesuffix(".Arn}"), s.get("Condition"))
        for s in role_statements(template, function) if s["Effect"] == "Allow"
        for action in _as_list(s["Action"]) if action.startswith("s3:List")
        for resource in _as_list(s["Resource"])
    ]  # fmt: skip


@pytest.mark.parametrize("function", FUNCTIONS)
def test_every_listing_is_narrowed_by_prefix_but_the_head_ones(
    template: dict[str, Any], function: str
) -> None:
    for action, bucket, condition in _listings(template, function):
        if condition is None:
            # THEN only a HEAD's 404 justifies a listing right with no prefix, on uploads only
            assert (function, action, bucket) in {
                (f, "s3:ListBucket", "UploadsBucket") for f in HEADS_MISSING_KEYS
            }, (function, action, bucket)
            continue
        assert condition == {"StringLike": {"s3:prefix": LISTINGS[(function, action, bucket)]}}
    found = {(function, action, bucket) for action, bucket, c in _listings(template, function)
             if c is not None}
    assert found == {key for key in LISTINGS if key[0] == function}


def test_the_api_never_reads_what_users_upload(template: dict[str, Any]) -> None:
    statements = role_statements(template, "APIHandler")
    for action in ("s3:GetObject", "s3:GetObjectVersion"):
        assert not allowed(statements, action, UPLOADS)
        assert not allowed(statements, action, MASTERS)
        assert not allowed(statements, action, "${UploadsBucket.Arn}/anything")


def test_the_apis_s3_rights_are_exactly_what_its_presigned_urls_and_deletes_use(
    template: dict[str, Any],
) -> None:
    # Presigned URLs are authorised as the signer: PutObject for upload POSTs, GetObject(+Version)
    # for downloads; the rest is deleting an image for good.
    granted = {
        (action, target(resource))
        for s in role_statements(template, "APIHandler") if s["Effect"] == "Allow"
        for action in _as_list(s["Action"]) if action.startswith("s3:")
        for resource in _as_list(s["Resource"]) if "/" in target(resource)
    }  # fmt: skip
    deletes = {(a, r) for r in (UPLOADS, MASTERS, ORIGINALS, FULL)
               for a in ("s3:DeleteObject", "s3:DeleteObjectVersion")}
    downloads = {(a, r) for r in (ORIGINALS, FULL) for a in ("s3:GetObject", "s3:GetObjectVersion")}
    renditions = {("s3:GetObject", RENDITIONS), ("s3:DeleteObject", RENDITIONS)}
    assert granted == {("s3:PutObject", UPLOADS)} | deletes | downloads | renditions


def test_the_apis_s3_rights_live_in_the_template_policy_that_explains_them(
    template: dict[str, Any],
) -> None:
    # Chalice's policy file (JSON) can't carry comments; ApiStoragePolicy in template.yaml does.
    role = template["Resources"]["ApiHandlerRole"]["Properties"]
    inline = [s for p in role["Policies"] for s in p["PolicyDocument"]["Statement"]]
    assert not [s for s in inline if any(a.startswith("s3:") for a in _as_list(s["Action"]))]
    storage = template["Resources"]["ApiStoragePolicy"]
    assert storage["Properties"]["Roles"] == [{"Ref": "ApiHandlerRole"}]
    assert "ApiStoragePolicy" in _as_list(template["Resources"]["APIHandler"]["DependsOn"])


def test_the_sign_up_trigger_adds_to_groups_of_its_own_pool_only(template: dict[str, Any]) -> None:
    # AdminAddUserToGroup has no condition key for the group: the pool is the narrowest
    # resource, and config.SIGNUP_GROUP refuses any group but contributors (unit tested).
    statements = role_statements(template, "PostConfirmation")
    cognito = [s for s in statements
               if any(a.startswith("cognito-idp:") for a in _as_list(s["Action"]))]
    (statement,) = cognito
    assert _as_list(statement["Action"]) == ["cognito-idp:AdminAddUserToGroup"]
    assert target(statement["Resource"]) == "${UserPool.Arn}"
    others = [s for s in statements if s is not statement]
    assert not [s for s in others if any(a.startswith(("s3:", "dynamodb:", "sqs:", "es:"))
                                         for a in _as_list(s["Action"]))]


# Every way out of `pending` frees the contributor's upload slot in the same transaction as
# the image's change (adapters/dynamodb/quotas.py), so each role that can take an image out of
# pending must update the quotas table too, or that transaction fails in AWS (moto never asks).
FREES_UPLOAD_SLOTS = ("APIHandler", "Ingest", "Render", "Sweeper")


@pytest.mark.parametrize("function", FUNCTIONS)
def test_exactly_the_roles_that_leave_pending_may_update_the_quotas(
    template: dict[str, Any], function: str
) -> None:
    statements = role_statements(template, function)
    quotas = "${QuotasTable.Arn}"
    may_update = allowed(statements, "dynamodb:UpdateItem", quotas)
    assert may_update is (function in FREES_UPLOAD_SLOTS)
    # only the API grants (and shows) quotas: it alone reads them
    may_read = allowed(statements, "dynamodb:BatchGetItem", quotas)
    assert may_read is (function == "APIHandler")
    assert not allowed(statements, "dynamodb:DeleteItem", quotas)


# Only the API counts searches (its background writer) and lists them (one Query per day);
# no role deletes a count (the table's TTL does), and no other function touches the table.
@pytest.mark.parametrize("function", FUNCTIONS)
def test_only_the_api_counts_and_reads_unsatisfied_searches(
    template: dict[str, Any], function: str
) -> None:
    statements = role_statements(template, function)
    insights = "${InsightsTable.Arn}"
    for action in ("dynamodb:UpdateItem", "dynamodb:Query"):
        assert allowed(statements, action, insights) is (function == "APIHandler")
    for action in ("dynamodb:DeleteItem", "dynamodb:Scan", "dynamodb:PutItem"):
        assert not allowed(statements, action, insights)

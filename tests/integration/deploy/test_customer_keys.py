"""Customer-managed keys (the KmsKeyArn parameter, issue 15 item 9): with a key, every store that
can take it uses it (or is listed below with the reason it can't) and every role that touches one
may use exactly that key; without one, nothing in the stack names a KMS key."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.integration.deploy.sam_reading import (
    choose,
    conditions,
    functions,
    references,
    role_statements,
)

KEY = "arn:aws:kms:us-east-1:111122223333:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
WITH_KEY = {"KmsKeyArn": KEY}
THE_KEY = {"Ref": "KmsKeyArn"}
# Buckets that keep SSE-S3 even with a key, and why.
SSE_S3_ONLY = {
    "WebBucket": "public content CloudFront reads through OAC: SSE-KMS would need the key "
    "policy to let cloudfront.amazonaws.com decrypt, and hides nothing",
    "RenditionsBucket": "public content CloudFront reads through OAC, as the web bucket",
    "LogsBucket": "access logs, no content: SSE-KMS would need the key policy to let S3's "
    "logging service and CloudFront's log delivery in too",
}
KEYED_BUCKETS = {"UploadsBucket", "OriginalsBucket"}
# Where each other kind of store names its key, and the value that says "this key".
KEYED_PROPERTY = {
    "AWS::DynamoDB::Table": ("SSESpecification",
                             {"SSEEnabled": True, "SSEType": "KMS", "KMSMasterKeyId": THE_KEY}),
    "AWS::SQS::Queue": ("KmsMasterKeyId", THE_KEY),
    "AWS::Logs::LogGroup": ("KmsKeyId", THE_KEY),
    "AWS::SecretsManager::Secret": ("KmsKeyId", THE_KEY),
}  # fmt: skip
FUNCTIONS = ("APIHandler", "Ingest", "Render", "Indexer", "Sweeper", "PostConfirmation")
# The post-confirmation trigger only adds a user to a Cognito group.
TOUCH_A_KEYED_STORE = {"APIHandler", "Ingest", "Render", "Indexer", "Sweeper"}


def _stack(template: dict[str, Any], parameters: dict[str, str]) -> dict[str, Any]:
    """The resources (and Globals) these parameters deploy, every Fn::If chosen."""
    truth = conditions(template, parameters)
    resources = {
        name: choose(body, truth)
        for name, body in template["Resources"].items()
        if truth.get(body.get("Condition", ""), True)
    }
    return {"Resources": resources, "Globals": choose(template.get("Globals", {}), truth)}


def _of_type(stack: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {n: b["Properties"] for n, b in stack["Resources"].items() if b["Type"] == kind}


def _actions(statement: dict[str, Any]) -> list[str]:
    action = statement["Action"]
    return action if isinstance(action, list) else [action]


def _kms_statements(statements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [s for s in statements if any(a.startswith("kms:") for a in _actions(s))]


@pytest.mark.parametrize("kind", sorted(KEYED_PROPERTY))
def test_with_a_key_every_table_queue_log_group_and_secret_uses_it(
    template: dict[str, Any], kind: str
) -> None:
    stores = _of_type(_stack(template, WITH_KEY), kind)
    assert stores, kind
    name, value = KEYED_PROPERTY[kind]
    assert {store: props.get(name) for store, props in stores.items()} == dict.fromkeys(
        stores, value
    )
    if kind == "AWS::SQS::Queue":  # SSE-SQS and SSE-KMS exclude each other
        assert not [q for q, props in stores.items() if "SqsManagedSseEnabled" in props]


def test_with_a_key_the_private_buckets_use_it_with_a_bucket_key_and_the_rest_say_why_not(
    template: dict[str, Any],
) -> None:
    buckets = _of_type(_stack(template, WITH_KEY), "AWS::S3::Bucket")
    assert set(buckets) == KEYED_BUCKETS | set(SSE_S3_ONLY)
    for name, props in buckets.items():
        (rule,) = props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
        default = rule["ServerSideEncryptionByDefault"]
        if name in SSE_S3_ONLY:
            assert default == {"SSEAlgorithm": "AES256"}, name
        else:
            assert default == {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": THE_KEY}, name
            assert rule["BucketKeyEnabled"] is True, name


def test_with_a_key_every_function_environment_and_the_search_domain_use_it(
    template: dict[str, Any],
) -> None:
    stack = _stack(template, WITH_KEY)
    deployed = functions(stack)
    assert set(FUNCTIONS) <= set(deployed)
    assert {name: f.get("KmsKeyArn") for name, f in deployed.items()} == dict.fromkeys(
        deployed, THE_KEY
    )
    domain = stack["Resources"]["SearchDomain"]["Properties"]
    assert domain["EncryptionAtRestOptions"] == {"Enabled": True, "KmsKeyId": THE_KEY}


@pytest.mark.parametrize(("parameters", "owned"), [(WITH_KEY, False), ({}, True)])
def test_the_serverless_collection_takes_the_key_only_when_given(
    template: dict[str, Any], parameters: dict[str, str], owned: bool
) -> None:
    stack = _stack(template, {**parameters, "SearchEngine": "serverless"})
    text, _ = stack["Resources"]["SearchEncryptionPolicy"]["Properties"]["Policy"]["Fn::Sub"]
    policy = json.loads(text)
    assert policy["AWSOwnedKey"] is owned
    assert policy.get("KmsARN") == (None if owned else "${KmsKeyArn}")


def _keyed_stores(template: dict[str, Any]) -> set[str]:
    stack = _stack(template, WITH_KEY)
    keyed = {name for kind in KEYED_PROPERTY for name in _of_type(stack, kind)}
    return keyed | KEYED_BUCKETS


@pytest.mark.parametrize("function", FUNCTIONS)
def test_with_a_key_each_role_touching_a_keyed_store_may_use_exactly_that_key(
    template: dict[str, Any], function: str
) -> None:
    statements = role_statements(template, function, WITH_KEY)
    touched = {
        name for s in statements if s["Effect"] == "Allow" for name in references(s["Resource"])
    } & _keyed_stores(template)  # fmt: skip
    assert bool(touched) is (function in TOUCH_A_KEYED_STORE), touched
    granted = _kms_statements(statements)
    if function in TOUCH_A_KEYED_STORE:
        # Decrypt to read, GenerateDataKey to write; no kms:Encrypt, no wildcard, one key.
        assert [(s["Effect"], sorted(s["Action"]), s["Resource"]) for s in granted] == [
            ("Allow", ["kms:Decrypt", "kms:GenerateDataKey"], THE_KEY)
        ]
    else:
        assert granted == []


@pytest.mark.parametrize("engine", ["domain", "serverless"])
def test_without_a_key_nothing_names_kms(template: dict[str, Any], engine: str) -> None:
    stack = _stack(template, {"SearchEngine": engine})
    assert "KmsKeyArn" not in references(stack)
    text = json.dumps(stack)
    assert "aws:kms" not in text and '"SSESpecification"' not in text
    assert "KmsKeyUsePolicy" not in stack["Resources"]
    for function in FUNCTIONS:
        statements = role_statements(template, function, {"SearchEngine": engine})
        assert _kms_statements(statements) == [], function
    for props in _of_type(stack, "AWS::SQS::Queue").values():
        assert props["SqsManagedSseEnabled"] is True

"""The template's resources are created on moto, wired as declared, and idempotently."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus

import pytest

from infra.local import resources, settings, storage, template
from infra.local.template import Created
from tests.integration.local.conftest import ROOT, unique

ACCOUNT = "123456789012"


@pytest.fixture(scope="module")
def stack(moto_server: Any) -> tuple[resources.Clients, dict[str, Created], template.Template]:
    parsed = template.load(ROOT / "template.yaml")
    clients = resources.Clients(moto_server.endpoint_url)
    return clients, resources.create_all(parsed, clients, resources.Options()), parsed


def _queue_attributes(clients: resources.Clients, url: str) -> dict[str, str]:
    return dict(clients.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])[
        "Attributes"])


def test_given_the_template_when_created_then_queues_have_redrive_and_timeouts(stack: Any) -> None:
    clients, created, _ = stack
    attributes = _queue_attributes(clients, created["RenderQueue"].ref)
    redrive = json.loads(attributes["RedrivePolicy"])
    assert redrive["maxReceiveCount"] == 5
    assert redrive["deadLetterTargetArn"] == created["RenderDeadLetterQueue"].attrs["Arn"]
    assert attributes["VisibilityTimeout"] == "720"
    assert created["IngestQueue"].attrs["Arn"] == (
        f"arn:aws:sqs:us-east-1:{ACCOUNT}:stock-images-ingest")


def test_given_the_template_when_created_then_the_table_has_keys_index_and_stream(
    stack: Any,
) -> None:
    clients, created, _ = stack
    table = clients.dynamodb.describe_table(TableName="stock-images-images")["Table"]
    assert table["KeySchema"] == [{"AttributeName": "image_id", "KeyType": "HASH"}]
    index = table["GlobalSecondaryIndexes"][0]
    assert index["IndexName"] == "by_owner"
    assert [k["AttributeName"] for k in index["KeySchema"]] == ["owner", "created_at"]
    assert table["StreamSpecification"] == {
        "StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert created["ImagesTable"].attrs["StreamArn"] == table["LatestStreamArn"]


def test_given_the_template_when_created_then_the_pool_has_client_and_groups(stack: Any) -> None:
    clients, created, _ = stack
    pool_id = created["UserPool"].ref
    app_client = clients.cognito.describe_user_pool_client(
        UserPoolId=pool_id, ClientId=created["UserPoolClient"].ref)["UserPoolClient"]
    assert "ALLOW_USER_PASSWORD_AUTH" in app_client["ExplicitAuthFlows"]
    groups = clients.cognito.list_groups(UserPoolId=pool_id)["Groups"]
    assert sorted(g["GroupName"] for g in groups) == ["admins", "contributors"]


def test_given_the_uploads_bucket_when_an_object_lands_under_uploads_then_ingest_hears(
    stack: Any,
) -> None:
    clients, created, _ = stack
    bucket, queue = created["UploadsBucket"].ref, created["IngestQueue"].ref
    assert bucket == f"stock-images-uploads-{ACCOUNT}"
    # WHEN one object goes under uploads/ and one elsewhere
    clients.s3.put_object(Bucket=bucket, Key="uploads/a b.jpg", Body=b"x")
    clients.s3.put_object(Bucket=bucket, Key="elsewhere/c.jpg", Body=b"x")
    got = clients.sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, WaitTimeSeconds=1)
    bodies = [json.loads(m["Body"]) for m in got.get("Messages", [])]
    # THEN exactly the uploads/ object is announced, and no s3:TestEvent is left behind
    keys = [unquote_plus(b["Records"][0]["s3"]["object"]["key"]) for b in bodies]
    assert keys == ["uploads/a b.jpg"]
    for message in got["Messages"]:
        clients.sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])


def _versioning(clients: resources.Clients, bucket: str) -> str | None:
    status: str | None = clients.s3.get_bucket_versioning(Bucket=bucket).get("Status")
    return status


def test_given_the_template_when_created_then_uploads_and_originals_are_versioned(
    stack: Any,
) -> None:
    clients, created, _ = stack
    originals = created["OriginalsBucket"].ref
    assert originals == f"stock-images-originals-{ACCOUNT}"
    # THEN both buckets the code pins versions in are versioned, as in AWS; renditions aren't
    assert _versioning(clients, created["UploadsBucket"].ref) == "Enabled"
    assert _versioning(clients, originals) == "Enabled"
    assert _versioning(clients, created["RenditionsBucket"].ref) is None
    # AND a second write to a key keeps the first version readable by its id
    first = clients.s3.put_object(Bucket=originals, Key="originals/v", Body=b"one")["VersionId"]
    clients.s3.put_object(Bucket=originals, Key="originals/v", Body=b"two")
    pinned = clients.s3.get_object(Bucket=originals, Key="originals/v", VersionId=first)
    assert pinned["Body"].read() == b"one"


def test_given_an_unversioned_bucket_when_the_template_versions_it_then_it_becomes_versioned(
    stack: Any,
) -> None:
    # GIVEN a bucket left unversioned (e.g. restored from a snapshot older than versioning)
    clients, _, _ = stack
    name = unique("old-bucket")
    storage.create_bucket(clients, {"BucketName": name}, resources.Options())
    assert _versioning(clients, name) is None
    # WHEN the stack creates it again from a template that versions it
    versioned = {"BucketName": name, "VersioningConfiguration": {"Status": "Enabled"}}
    storage.create_bucket(clients, versioned, resources.Options())
    # THEN it is versioned from then on
    assert _versioning(clients, name) == "Enabled"


def test_given_created_resources_when_created_again_then_nothing_fails_or_doubles(
    stack: Any,
) -> None:
    clients, created, parsed = stack
    again = resources.create_all(parsed, clients, resources.Options())
    assert {k: v.ref for k, v in again.items()} == {k: v.ref for k, v in created.items()}
    pools = clients.cognito.list_user_pools(MaxResults=60)["UserPools"]
    assert [p["Name"] for p in pools].count("stock-images-users") == 1
    pool_clients = clients.cognito.list_user_pool_clients(
        UserPoolId=created["UserPool"].ref, MaxResults=60)["UserPoolClients"]
    assert len(pool_clients) == 1
    # AND re-applying the unchanged notification enqueued no new s3:TestEvent
    got = clients.sqs.receive_message(QueueUrl=created["IngestQueue"].ref, WaitTimeSeconds=0)
    assert "Messages" not in got


def test_given_a_visibility_override_when_created_then_every_queue_uses_it(stack: Any) -> None:
    clients, _, parsed = stack
    try:
        shrunk = resources.create_all(parsed, clients, resources.Options(visibility_timeout=2))
        assert _queue_attributes(clients, shrunk["IngestQueue"].ref)["VisibilityTimeout"] == "2"
        assert _queue_attributes(clients, shrunk["RenderQueue"].ref)["VisibilityTimeout"] == "2"
    finally:
        resources.create_all(parsed, clients, resources.Options())
    assert settings.visibility_override({"LOCAL_VISIBILITY_TIMEOUT": "3"}) == 3
    assert settings.visibility_override({}) is None


def test_given_created_resources_when_computing_env_then_config_gets_local_values(
    stack: Any, moto_server: Any, tmp_path: Path,
) -> None:
    _, created, parsed = stack
    env = settings.function_env(parsed, created, 8123, moto_server.endpoint_url, tmp_path)
    assert env["UPLOADS_BUCKET"] == f"stock-images-uploads-{ACCOUNT}"
    assert env["ORIGINALS_BUCKET"] == created["OriginalsBucket"].ref
    assert env["CDN_DISTRIBUTION_ID"] == ""  # no CloudFront locally: nothing to invalidate
    assert env["RENDER_QUEUE_URL"] == created["RenderQueue"].ref
    assert env["INGEST_QUEUE"] == "stock-images-ingest"
    assert env["IMAGES_STREAM_ARN"] == created["ImagesTable"].attrs["StreamArn"]
    assert env["COGNITO_USER_POOL_ID"] == created["UserPool"].ref
    assert env["COGNITO_APP_CLIENT_IDS"] == created["UserPoolClient"].ref
    assert env["RENDITIONS_BASE_URL"] == "http://127.0.0.1:8123/renditions"
    assert env["AWS_ENDPOINT_URL"] == moto_server.endpoint_url
    assert env["AWS_ACCOUNT_ID_ENDPOINT_MODE"] == "disabled"
    # The template deploys OpenSearch; locally the embedded engine lives in the data folder.
    assert env["SEARCH_BACKEND"] == "embedded"
    assert env["SEARCH_INDEX_PATH"] == str(tmp_path.resolve() / "search")


def test_the_local_stack_holds_nothing_for_review_unless_told(
    stack: Any, moto_server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, created, parsed = stack
    assert parsed.function_env["MODERATION"] == "new_contributors"  # what AWS gets
    monkeypatch.delenv("MODERATION", raising=False)
    env = settings.function_env(parsed, created, 8123, moto_server.endpoint_url, tmp_path)
    assert env["MODERATION"] == "off"
    monkeypatch.setenv("MODERATION", "all")  # make run MODERATION=all
    env = settings.function_env(parsed, created, 8123, moto_server.endpoint_url, tmp_path)
    assert env["MODERATION"] == "all"


def test_the_stack_records_its_rendition_profile_for_make_reprocess(
    stack: Any, moto_server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, created, parsed = stack
    monkeypatch.delenv("RENDITION_PROFILE", raising=False)
    env = settings.function_env(parsed, created, 8123, moto_server.endpoint_url, tmp_path)
    assert "RENDITION_PROFILE" not in env  # the default, in every process
    profile = '[{"name": "thumb", "width": 300}]'
    monkeypatch.setenv("RENDITION_PROFILE", profile)  # make run RENDITION_PROFILE=...
    env = settings.function_env(parsed, created, 8123, moto_server.endpoint_url, tmp_path)
    assert env["RENDITION_PROFILE"] == profile

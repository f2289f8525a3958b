"""template.yaml is parsed with its short tags and resolved with local values."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra.local import template
from infra.local.template import Created, Resolver
from tests.integration.local.conftest import ROOT


@pytest.fixture(scope="module")
def parsed() -> template.Template:
    return template.load(ROOT / "template.yaml")


def test_given_the_template_when_loaded_then_short_tags_become_intrinsics(
    parsed: template.Template,
) -> None:
    resources = {r.logical_id: r for r in parsed.resources}
    # THEN !Sub, !GetAtt and !Ref are in their long form, not lost as plain strings
    assert resources["UploadsBucket"].properties["BucketName"] == {
        "Fn::Sub": "${Prefix}-uploads-${AWS::AccountId}"
    }
    queue = resources["UploadsBucket"].properties["NotificationConfiguration"]
    assert queue["QueueConfigurations"][0]["Queue"] == {"Fn::GetAtt": ["IngestQueue", "Arn"]}
    assert resources["ContributorsGroup"].properties["UserPoolId"] == {"Ref": "UserPool"}
    assert parsed.parameters["Prefix"] == "stock-images"


def test_given_the_template_when_ordered_then_targets_come_before_their_users(
    parsed: template.Template,
) -> None:
    order = [r.logical_id for r in parsed.in_creation_order()]
    # THEN the queue (GetAtt target) and policy (DependsOn) precede the bucket, pool the client
    assert order.index("IngestQueue") < order.index("UploadsBucket")
    assert order.index("IngestQueuePolicy") < order.index("UploadsBucket")
    assert order.index("IngestDeadLetterQueue") < order.index("IngestQueue")
    assert order.index("UserPool") < order.index("UserPoolClient")
    assert order.index("UserPool") < order.index("AdminsGroup")
    assert sorted(order) == sorted(r.logical_id for r in parsed.resources)


def test_given_local_values_when_resolving_then_pseudo_parameters_and_attributes_fill_in() -> None:
    created = {"Queue": Created(ref="http://q", attrs={"Arn": "arn:aws:sqs:us-east-1:1:q"})}
    resolver = Resolver({"Prefix": "p"}, created)
    # WHEN each kind of intrinsic is resolved THEN it gives the local value
    assert resolver.resolve({"Fn::Sub": "${Prefix}-${AWS::AccountId}-${AWS::Region}"}) == (
        "p-123456789012-us-east-1"
    )
    assert resolver.resolve({"Fn::Sub": "arn:${AWS::Partition}:x:${Queue.Arn}"}) == (
        "arn:aws:x:arn:aws:sqs:us-east-1:1:q"
    )
    assert resolver.resolve({"Fn::Sub": ["${A}-${Prefix}", {"A": {"Ref": "Queue"}}]}) == (
        "http://q-p"
    )
    assert resolver.resolve({"Fn::GetAtt": ["Queue", "Arn"]}) == "arn:aws:sqs:us-east-1:1:q"
    assert resolver.resolve({"Fn::Join": ["/", [{"Ref": "Prefix"}, "x"]]}) == "p/x"
    assert resolver.resolve({"Fn::Select": [1, ["a", "b"]]}) == "b"
    assert resolver.resolve([{"Ref": "AWS::AccountId"}, {"k": {"Ref": "Prefix"}}]) == [
        "123456789012", {"k": "p"},
    ]


def test_given_something_unknown_locally_when_resolving_then_a_clear_error() -> None:
    resolver = Resolver({}, {})
    with pytest.raises(ValueError, match="Missing"):
        resolver.resolve({"Ref": "Missing"})
    with pytest.raises(ValueError, match=r"Missing\.Arn"):
        resolver.resolve({"Fn::GetAtt": "Missing.Arn"})
    with pytest.raises(ValueError, match="Fn::FindInMap"):
        resolver.resolve({"Fn::FindInMap": ["a", "b", "c"]})


def test_given_a_cycle_when_ordering_then_it_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(
        "Resources:\n"
        "  A: {Type: AWS::SQS::Queue, Properties: {QueueName: !GetAtt B.QueueName}}\n"
        "  B: {Type: AWS::SQS::Queue, Properties: {QueueName: !Ref A}}\n"
    )
    with pytest.raises(ValueError, match="cycle"):
        template.load(path).in_creation_order()


def test_given_globals_when_loaded_then_the_function_env_is_kept(
    parsed: template.Template,
) -> None:
    # THEN every setting chalicelib.config reads from resources is declared once, in Globals
    assert {"UPLOADS_BUCKET", "IMAGES_STREAM_ARN", "RENDER_QUEUE_URL", "COGNITO_USER_POOL_ID",
            "COGNITO_APP_CLIENT_IDS", "INGEST_QUEUE"} <= set(parsed.function_env)

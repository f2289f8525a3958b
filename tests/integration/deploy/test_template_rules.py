"""Issue 5's offline rules over the packaged template: buckets, queues, front door, Cognito."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from chalice.utils import to_cfn_resource_name

from chalicelib.domain.model import ADMINS, CONTRIBUTORS
from infra.deploy import RETAINED_IN_PROD
from infra.local.sources import declared_batch_sizes
from tests.integration.deploy.sam_reading import (
    choose,
    conditions,
    functions,
    run_viewer_function,
    run_viewer_requests,
    target,
)

BUCKETS = ("UploadsBucket", "OriginalsBucket", "RenditionsBucket", "WebBucket")
# Keeps ACLs for CloudFront's legacy standard logs: test_audit_trail.py checks it.
LOG_BUCKET = "LogsBucket"
# Read by our roles only (presigned URLs included), never through CloudFront.
PRIVATE_BUCKETS = ("UploadsBucket", "OriginalsBucket")
QUEUES_WITH_DLQ = {"IngestQueue": "IngestDeadLetterQueue", "RenderQueue": "RenderDeadLetterQueue"}




def _of_type(resources: dict[str, Any], kind: str) -> dict[str, Any]:
    return {name: body for name, body in resources.items() if body["Type"] == kind}


def _policy_for(resources: dict[str, Any], bucket: str) -> list[dict[str, Any]]:
    policies = _of_type(resources, "AWS::S3::BucketPolicy").values()
    (policy,) = [p for p in policies if p["Properties"]["Bucket"] == {"Ref": bucket}]
    statements: list[dict[str, Any]] = policy["Properties"]["PolicyDocument"]["Statement"]
    return statements


def test_every_bucket_is_private_owner_enforced_and_encrypted(
    template: dict[str, Any], resources: dict[str, Any]
) -> None:
    assert set(_of_type(resources, "AWS::S3::Bucket")) == {*BUCKETS, LOG_BUCKET}
    for name in BUCKETS:
        props = resources[name]["Properties"]
        assert set(props["PublicAccessBlockConfiguration"].values()) == {True}, name
        assert len(props["PublicAccessBlockConfiguration"]) == 4, name
        assert props["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
        encryption = choose(props["BucketEncryption"], conditions(template))
        (rule,) = encryption["ServerSideEncryptionConfiguration"]
        assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] in ("AES256", "aws:kms")


@pytest.mark.parametrize("bucket", [*BUCKETS, LOG_BUCKET])
def test_every_bucket_refuses_plain_http(resources: dict[str, Any], bucket: str) -> None:
    # GIVEN the bucket's policy WHEN a request comes without TLS THEN a Deny covers it all
    denies = [s for s in _policy_for(resources, bucket) if s["Effect"] == "Deny"]
    assert any(
        s["Principal"] == "*"
        and s["Action"] == "s3:*"
        and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        and {target(r) for r in s["Resource"]} == {f"${{{bucket}.Arn}}", f"${{{bucket}.Arn}}/*"}
        for s in denies
    )


def test_only_cloudfront_reads_buckets_and_only_through_origin_access_control(
    resources: dict[str, Any],
) -> None:
    config = resources["Distribution"]["Properties"]["DistributionConfig"]
    s3_origins = [o for o in config["Origins"] if "S3OriginConfig" in o]
    assert {target(o["DomainName"]) for o in s3_origins} == {
        "${WebBucket.RegionalDomainName}",
        "${RenditionsBucket.RegionalDomainName}",
    }
    for origin in s3_origins:
        assert origin["S3OriginConfig"] == {"OriginAccessIdentity": ""}  # no legacy OAI
        oac = resources[origin["OriginAccessControlId"]["Fn::GetAtt"][0]]["Properties"]
        assert oac["OriginAccessControlConfig"]["SigningBehavior"] == "always"
    for bucket in BUCKETS:
        allows = [s for s in _policy_for(resources, bucket) if s["Effect"] == "Allow"]
        for statement in allows:
            assert statement["Principal"] == {"Service": "cloudfront.amazonaws.com"}, bucket
            source = target(statement["Condition"]["StringEquals"]["AWS:SourceArn"])
            assert source.endswith(":distribution/${Distribution}"), bucket
    for bucket in PRIVATE_BUCKETS:
        assert not [s for s in _policy_for(resources, bucket) if s["Effect"] == "Allow"], bucket


def test_uploads_accept_browser_posts_from_the_web_origin_only(template: dict[str, Any]) -> None:
    props = template["Resources"]["UploadsBucket"]["Properties"]
    # GIVEN no custom domain and no WebOrigin THEN no CORS at all (nobody may POST from a page)
    none = choose(props, conditions(template))
    assert "CorsConfiguration" not in none
    # GIVEN the distribution's origin THEN POST from it alone, with the XHR preflight headers
    origin = {"WebOrigin": "https://d111.cloudfront.net"}
    (rule,) = choose(props, conditions(template, origin))["CorsConfiguration"]["CorsRules"]
    assert rule["AllowedMethods"] == ["POST"]
    assert rule["AllowedOrigins"] == [{"Ref": "WebOrigin"}]
    assert "*" not in rule["AllowedHeaders"] and "content-type" in rule["AllowedHeaders"]
    assert rule["MaxAge"] > 0
    # GIVEN a custom domain with its certificate THEN that domain is the origin
    custom = {"CustomDomain": "img.example.com", "CertificateArn": "arn:aws:acm:x", **origin}
    (rule,) = choose(props, conditions(template, custom))["CorsConfiguration"]["CorsRules"]
    assert rule["AllowedOrigins"] == [{"Fn::Sub": "https://${CustomDomain}"}]


def test_s3_notification_reaches_the_ingest_queue_which_allows_it(
    resources: dict[str, Any],
) -> None:
    notes = resources["UploadsBucket"]["Properties"]["NotificationConfiguration"]
    (queue,) = notes["QueueConfigurations"]
    assert target(queue["Queue"]) == "${IngestQueue.Arn}"
    assert queue["Filter"]["S3Key"]["Rules"] == [{"Name": "prefix", "Value": "uploads/"}]
    policy = resources["IngestQueuePolicy"]["Properties"]
    (statement,) = policy["PolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": "s3.amazonaws.com"}
    assert target(statement["Resource"]) == "${IngestQueue.Arn}"
    assert "IngestQueuePolicy" in resources["UploadsBucket"]["DependsOn"]


def test_every_queue_is_encrypted_and_work_queues_dead_letter_after_five(
    template: dict[str, Any], resources: dict[str, Any]
) -> None:
    for name, queue in _of_type(resources, "AWS::SQS::Queue").items():
        properties = choose(queue["Properties"], conditions(template))
        assert properties["SqsManagedSseEnabled"] is True, name
    for name, dlq in QUEUES_WITH_DLQ.items():
        redrive = resources[name]["Properties"]["RedrivePolicy"]
        assert target(redrive["deadLetterTargetArn"]) == f"${{{dlq}.Arn}}"
        assert redrive["maxReceiveCount"] == 5


def test_every_mapping_reports_batch_item_failures_and_sqs_ones_are_capped(
    template: dict[str, Any],
) -> None:
    events = [e for p in functions(template).values() for e in p.get("Events", {}).values()
              if e["Type"] != "Schedule"]  # the sweeper's: no batches (see below)
    assert {e["Type"] for e in events} == {"SQS", "DynamoDB"} and len(events) == 3
    for event in events:
        assert event["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        if event["Type"] == "SQS":
            limit = event["Properties"]["ScalingConfig"]["MaximumConcurrency"]
            assert limit["Ref"] in ("IngestMaximumConcurrency", "RenderMaximumConcurrency")
    for cap in ("IngestMaximumConcurrency", "RenderMaximumConcurrency"):
        assert template["Parameters"][cap]["MinValue"] >= 2  # Lambda's floor


def test_every_mapping_batches_as_app_py_declares(template: dict[str, Any]) -> None:
    # GIVEN the packaged template (Chalice's mappings with template.yaml merged over them)
    deployed = functions(template)
    # THEN each mapping's batch size is app.py's: one photo an ingest or render invocation
    for name, size in declared_batch_sizes().items():
        (event,) = deployed[to_cfn_resource_name(name)]["Events"].values()
        assert event["Properties"]["BatchSize"] == size, name


def test_prod_protects_the_table_and_every_stage_keeps_backups(template: dict[str, Any]) -> None:
    table = template["Resources"]["ImagesTable"]
    props = table["Properties"]
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    prod = choose(props, conditions(template, {"Stage": "prod"}))
    dev = choose(props, conditions(template, {"Stage": "dev"}))
    assert (prod["DeletionProtectionEnabled"], dev["DeletionProtectionEnabled"]) == (True, False)
    prod_truth = conditions(template, {"Stage": "prod"})
    retained = {
        name for name, body in template["Resources"].items()
        if choose(body.get("DeletionPolicy", "Delete"), prod_truth) == "Retain"
    }  # fmt: skip
    # The data and its audit trail; and API Gateway's logging role, kept in every stage because
    # the region's account setting goes on naming it after the stack is gone.
    data = {"ImagesTable", "ProfilesTable", "UploadsBucket", "OriginalsBucket", "RenditionsBucket",
            "LogsBucket"}
    assert retained == data | {"ApiGatewayLogsRole"}
    # `make destroy` leaves exactly these alone in prod, and names them
    assert retained - {"ApiGatewayLogsRole"} == RETAINED_IN_PROD
    assert "AWS::LanguageExtensions" in template["Transform"]  # what lets the !If stand there


def test_every_behaviour_is_https_and_carries_the_security_headers(
    resources: dict[str, Any],
) -> None:
    config = resources["Distribution"]["Properties"]["DistributionConfig"]
    behaviours = [config["DefaultCacheBehavior"], *config["CacheBehaviors"]]
    for behaviour in behaviours:
        assert behaviour["ViewerProtocolPolicy"] in ("redirect-to-https", "https-only")
        assert behaviour["ResponseHeadersPolicyId"] == {"Ref": "SecurityHeadersPolicy"}
    assert target(config["DefaultCacheBehavior"]["TargetOriginId"]) == "web"
    policy = resources["SecurityHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]
    headers = policy["SecurityHeadersConfig"]
    assert headers["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000
    assert headers["FrameOptions"]["FrameOption"] == "DENY"
    assert headers["ContentTypeOptions"] == {"Override": True}
    csp = target(headers["ContentSecurityPolicy"]["ContentSecurityPolicy"])
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self'" and directives["frame-ancestors"] == "'none'"
    assert "https://${UploadsBucket.RegionalDomainName}" in directives["connect-src"].split()
    assert "'unsafe-inline'" not in csp


def test_custom_domain_and_certificate_only_when_both_are_given(template: dict[str, Any]) -> None:
    config = template["Resources"]["Distribution"]["Properties"]["DistributionConfig"]
    plain = choose(config, conditions(template))
    assert "Aliases" not in plain and "ViewerCertificate" not in plain
    given = {"CustomDomain": "img.example.com", "CertificateArn": "arn:aws:acm:us-east-1:1:c"}
    custom = choose(config, conditions(template, given))
    assert custom["Aliases"] == [{"Ref": "CustomDomain"}]
    assert custom["ViewerCertificate"]["SslSupportMethod"] == "sni-only"


def test_new_users_become_contributors_through_the_post_confirmation_trigger(
    template: dict[str, Any],
) -> None:
    resources = template["Resources"]
    deployed = functions(template)["PostConfirmation"]
    trigger = resources["UserPool"]["Properties"]["LambdaConfig"]["PostConfirmation"]
    function_name = target(deployed["FunctionName"])
    assert target(trigger).endswith(f":function:{function_name}")
    # The function's own region is the pool's: bootstrap makes its Cognito client there.
    assert ":lambda:${AWS::Region}:" in target(trigger)
    permission = resources["PostConfirmationPermission"]["Properties"]
    assert permission["Principal"] == "cognito-idp.amazonaws.com"
    assert target(permission["SourceArn"]) == "${UserPool.Arn}"
    assert target(permission["FunctionName"]) == "${PostConfirmation}"
    pool_groups = _of_type(resources, "AWS::Cognito::UserPoolGroup").values()
    groups = {body["Properties"]["GroupName"] for body in pool_groups}
    assert groups == {CONTRIBUTORS, ADMINS}  # the names the code checks and joins


def test_the_deploy_script_finds_its_outputs(template: dict[str, Any]) -> None:
    outputs = template["Outputs"]
    assert target(outputs["WebBucketName"]["Value"]) == "${WebBucket}"
    assert target(outputs["DistributionDomain"]["Value"]) == "${Distribution.DomainName}"
    assert target(outputs["UserPoolId"]["Value"]) == "${UserPool}"
    assert target(outputs["UserPoolClientId"]["Value"]) == "${UserPoolClient}"
    assert target(outputs["Region"]["Value"]) == "${AWS::Region}"


def test_powertools_is_configured_for_every_function(template: dict[str, Any]) -> None:
    for name, props in functions(template).items():
        env = props["Environment"]["Variables"]
        assert {"POWERTOOLS_SERVICE_NAME", "POWERTOOLS_METRICS_NAMESPACE"} <= env.keys(), name
        assert "POWERTOOLS_LOG_LEVEL" in env, name


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run the CloudFront code")
def test_client_side_routes_get_the_app_and_files_keep_their_path(
    resources: dict[str, Any], tmp_path: Path
) -> None:
    code = resources["WebPathFunction"]["Properties"]["FunctionCode"]
    uris = ["/", "/images/abc", "/upload/", "/js/app.js", "/styles.css", "/config.json"]
    assert run_viewer_function(code, uris, tmp_path) == [
        "/index.html", "/index.html", "/index.html", "/js/app.js", "/styles.css", "/config.json"
    ]


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run the CloudFront code")
def test_preview_crawlers_of_a_photo_page_go_to_the_api_and_people_get_the_app(
    resources: dict[str, Any], tmp_path: Path
) -> None:
    code = resources["WebPathFunction"]["Properties"]["FunctionCode"]
    slack = "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"
    chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"
    asked = [("/images/abc123", slack), ("/images/abc123/", "facebookexternalhit/1.1"),
             ("/images/abc123", chrome), ("/images/abc123", ""), ("/upload", slack),
             ("/images/abc.png", slack), ("/images/a/b", slack)]
    assert run_viewer_requests(code, asked, tmp_path) == [
        ("/api/share/images/abc123", "api"), ("/api/share/images/abc123", "api"),
        ("/index.html", None), ("/index.html", None), ("/index.html", None),
        ("/images/abc.png", None), ("/index.html", None),
    ]
    origins = {o["Id"] for o in resources["Distribution"]["Properties"]["DistributionConfig"][
        "Origins"]}
    assert "api" in origins  # the id the function selects


def test_every_dead_letter_queue_has_an_alarm_on_its_depth(resources: dict[str, Any]) -> None:
    alarms = _of_type(resources, "AWS::CloudWatch::Alarm").values()
    watched = {
        a["Properties"]["Dimensions"][0]["Value"]["Fn::GetAtt"][0]
        for a in alarms
        if a["Properties"]["MetricName"] == "ApproximateNumberOfMessagesVisible"
    }
    assert watched == {*QUEUES_WITH_DLQ.values(), "IndexerFailuresQueue"}
    for alarm in alarms:
        assert alarm["Properties"]["Threshold"] == 0
        assert alarm["Properties"]["ComparisonOperator"] == "GreaterThanThreshold"


def test_the_sweeper_runs_on_the_schedule_the_stack_is_given(template: dict[str, Any]) -> None:
    # GIVEN the packaged sweeper WHEN reading its event THEN an EventBridge schedule whose
    # expression is the SweepSchedule parameter, every 15 minutes unless told otherwise
    sweeper = functions(template)["Sweeper"]
    (event,) = sweeper["Events"].values()
    assert event["Type"] == "Schedule"
    assert event["Properties"]["Schedule"] == {"Ref": "SweepSchedule"}
    assert template["Parameters"]["SweepSchedule"]["Default"] == "rate(15 minutes)"
    assert sweeper["Timeout"] > 240  # SWEEP_BUDGET_SECONDS' default, with room to finish


def test_open_images_are_found_through_a_sparse_keys_only_index(
    resources: dict[str, Any],
) -> None:
    # GIVEN the images table WHEN reading its indexes THEN by_stage keys on stage and its time,
    # and carries keys only (the sweeper reads each image back, consistently)
    table = resources["ImagesTable"]["Properties"]
    (by_stage,) = [i for i in table["GlobalSecondaryIndexes"] if i["IndexName"] == "by_stage"]
    assert by_stage["KeySchema"] == [
        {"AttributeName": "stage", "KeyType": "HASH"},
        {"AttributeName": "stage_at", "KeyType": "RANGE"},
    ]
    assert by_stage["Projection"] == {"ProjectionType": "KEYS_ONLY"}
    types = {a["AttributeName"]: a["AttributeType"] for a in table["AttributeDefinitions"]}
    assert types["stage"] == types["stage_at"] == "S"

"""The audit trail in the built template: one log bucket, every access log pointed at it or at a
log group with a retention, TLS 1.2 at the edge, reserved concurrency where one function must
not starve the others."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.integration.deploy.sam_reading import choose, conditions, functions, target

DATA_BUCKETS = {"UploadsBucket": "uploads", "OriginalsBucket": "originals",
                "RenditionsBucket": "renditions", "WebBucket": "web"}
RESERVED = {"Sweeper": "SweeperReservedConcurrency",
            "PostConfirmation": "PostConfirmationReservedConcurrency"}


def test_the_log_bucket_expires_logs_after_the_retention_parameter(
    template: dict[str, Any],
) -> None:
    parameter = template["Parameters"]["LogRetentionDays"]
    assert parameter["Default"] == 90
    props = template["Resources"]["LogsBucket"]["Properties"]
    rules = props["LifecycleConfiguration"]["Rules"]
    expiring = [r for r in rules if "ExpirationInDays" in r]
    assert expiring == [{"Id": "expire-logs", "Status": "Enabled",
                         "ExpirationInDays": {"Ref": "LogRetentionDays"}}]
    # Nothing in it is public; its objects are the account's (S3 logging can't write SSE-KMS).
    assert set(props["PublicAccessBlockConfiguration"].values()) == {True}
    assert len(props["PublicAccessBlockConfiguration"]) == 4
    (encryption,) = props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert encryption["ServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}


def test_the_log_bucket_alone_keeps_acls_for_cloudfronts_standard_logs(
    resources: dict[str, Any],
) -> None:
    # CloudFront's legacy standard logging writes through an ACL grant: ACLs must be enabled on
    # the target bucket (BucketOwnerPreferred), and on no other bucket.
    ownership = {name: body["Properties"]["OwnershipControls"]["Rules"][0]["ObjectOwnership"]
                 for name, body in resources.items() if body["Type"] == "AWS::S3::Bucket"}
    assert ownership.pop("LogsBucket") == "BucketOwnerPreferred"
    assert set(ownership.values()) == {"BucketOwnerEnforced"}


@pytest.mark.parametrize(("bucket", "short"), sorted(DATA_BUCKETS.items()))
def test_every_data_bucket_sends_its_server_access_logs_to_the_log_bucket(
    resources: dict[str, Any], bucket: str, short: str
) -> None:
    logging = resources[bucket]["Properties"]["LoggingConfiguration"]
    assert target(logging["DestinationBucketName"]) == "${LogsBucket}"
    assert logging["LogFilePrefix"] == f"s3/{short}/"


def test_the_log_bucket_lets_only_this_accounts_s3_logging_write_under_s3(
    resources: dict[str, Any],
) -> None:
    statements = resources["LogsBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    (allow,) = [s for s in statements if s["Effect"] == "Allow"]
    assert allow["Principal"] == {"Service": "logging.s3.amazonaws.com"}
    assert allow["Action"] == "s3:PutObject"
    assert target(allow["Resource"]) == "${LogsBucket.Arn}/s3/*"
    assert allow["Condition"] == {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}


def test_cloudfront_writes_standard_logs_to_the_log_bucket_without_cookies(
    resources: dict[str, Any],
) -> None:
    logging = resources["Distribution"]["Properties"]["DistributionConfig"]["Logging"]
    assert logging == {"Bucket": {"Fn::GetAtt": ["LogsBucket", "DomainName"]},
                       "Prefix": "cloudfront/", "IncludeCookies": False}


def test_api_gateway_writes_one_json_access_line_per_request_to_a_kept_log_group(
    resources: dict[str, Any],
) -> None:
    api = resources["RestAPI"]
    setting = api["Properties"]["AccessLogSetting"]
    assert target(setting["DestinationArn"]) == "${ApiAccessLogGroup.Arn}"
    line = json.loads(setting["Format"])  # the format is itself a JSON object
    wanted = {"requestId": "requestId", "ip": "identity.sourceIp", "status": "status",
              "path": "path", "latency": "responseLatency"}
    for name, variable in wanted.items():
        assert line[name] == f"$context.{variable}", name
    group = resources["ApiAccessLogGroup"]["Properties"]
    assert group["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    # A stage with access logs needs the region's API Gateway account to name a logs role.
    assert "ApiGatewayAccount" in _depends_on(api)
    account = resources["ApiGatewayAccount"]["Properties"]
    assert target(account["CloudWatchRoleArn"]) == "${ApiGatewayLogsRole.Arn}"


def test_the_search_domain_publishes_error_and_audit_logs_which_it_may_write(
    resources: dict[str, Any],
) -> None:
    domain = resources["SearchDomain"]
    options = domain["Properties"]["LogPublishingOptions"]
    assert set(options) == {"ES_APPLICATION_LOGS", "AUDIT_LOGS"}
    groups = {target(o["CloudWatchLogsLogGroupArn"]) for o in options.values() if o["Enabled"]}
    assert groups == {"${SearchErrorLogGroup.Arn}", "${SearchAuditLogGroup.Arn}"}
    for name in ("SearchErrorLogGroup", "SearchAuditLogGroup"):
        assert resources[name]["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    # Audit logs need fine-grained access control (test_search_stack.py checks its master).
    assert domain["Properties"]["AdvancedSecurityOptions"]["Enabled"] is True
    # OpenSearch writes through the account's resource policy, made before the domain.
    assert "SearchLogsPolicy" in _depends_on(domain)
    policy = json.loads(_filled(resources["SearchLogsPolicy"]["Properties"]["PolicyDocument"]))
    (statement,) = policy["Statement"]
    assert statement["Principal"] == {"Service": "es.amazonaws.com"}
    assert sorted(statement["Action"]) == ["logs:CreateLogStream", "logs:PutLogEvents"]
    assert sorted(statement["Resource"]) == ["${SearchAuditLogGroup.Arn}",
                                             "${SearchErrorLogGroup.Arn}"]
    assert statement["Condition"] == {"StringEquals": {"aws:SourceAccount": "${AWS::AccountId}"}}


def test_every_function_log_group_has_a_retention(template: dict[str, Any]) -> None:
    resources = template["Resources"]
    groups = {name: body["Properties"] for name, body in resources.items()
              if body["Type"] == "AWS::Logs::LogGroup"
              and target(body["Properties"]["LogGroupName"]).startswith("/aws/lambda/")}
    assert len(groups) == len(functions(template))
    assert all(props.get("RetentionInDays") for props in groups.values()), groups


@pytest.mark.parametrize(
    ("parameters", "minimum"),
    [({"CustomDomain": "img.example.com", "CertificateArn": "arn:aws:acm:x"}, "TLSv1.2_2021"),
     ({}, None)],
)
def test_viewers_need_tls_1_2_where_cloudfront_lets_us_choose(
    template: dict[str, Any], parameters: dict[str, str], minimum: str | None
) -> None:
    distribution = template["Resources"]["Distribution"]
    config = choose(distribution["Properties"]["DistributionConfig"],
                    conditions(template, parameters))
    # With the default *.cloudfront.net certificate there is no ViewerCertificate to set (its
    # minimum is CloudFront's, TLSv1): checkov's CKV_AWS_174 is skipped saying so.
    assert config.get("ViewerCertificate", {}).get("MinimumProtocolVersion") == minimum
    skips = {s["id"]: s["comment"] for s in distribution["Metadata"]["checkov"]["skip"]}
    assert "TLSv1.2_2021" in skips["CKV_AWS_174"]


@pytest.mark.parametrize(("function", "parameter"), sorted(RESERVED.items()))
def test_the_sweeper_and_sign_up_trigger_have_a_reservation_that_zero_removes(
    template: dict[str, Any], function: str, parameter: str
) -> None:
    reserved = functions(template)[function]["ReservedConcurrentExecutions"]
    given = choose(reserved, conditions(template, {parameter: "3"}))
    assert given == {"Ref": parameter}
    assert "ReservedConcurrentExecutions" not in choose(
        {"ReservedConcurrentExecutions": reserved}, conditions(template, {parameter: "0"}))
    spec = template["Parameters"][parameter]
    assert spec["MinValue"] == 0 and spec["Default"] == {"Sweeper": 1}.get(function, 5)


def test_no_other_function_reserves_concurrency(template: dict[str, Any]) -> None:
    reserving = {name for name, props in functions(template).items()
                 if "ReservedConcurrentExecutions" in props}
    assert reserving == set(RESERVED)


def test_every_checkov_skip_in_the_template_gives_its_reason(template: dict[str, Any]) -> None:
    skips = [(name, skip) for name, body in template["Resources"].items()
             for skip in body.get("Metadata", {}).get("checkov", {}).get("skip", [])]
    assert skips
    for name, skip in skips:
        assert re.fullmatch(r"CKV2?_AWS_\d+", skip["id"]), (name, skip)
        assert len(skip.get("comment", "")) >= 30, (name, skip)


def _depends_on(body: dict[str, Any]) -> set[str]:
    depends = body.get("DependsOn", [])
    return {depends} if isinstance(depends, str) else set(depends)


def _filled(value: Any) -> str:
    """A Fn::Sub text as written (its ${...} references left in place)."""
    return str(value["Fn::Sub"] if isinstance(value, dict) else value)

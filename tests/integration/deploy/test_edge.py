"""The packaged edge (issue 15): stage throttle, origin-verify header, optional WAF, the API's
secrets read at run time (never in env or outputs), token lifetimes, flows, MFA, threat
protection."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from chalicelib.auth.origin import HEADER
from tests.integration.deploy.sam_reading import (
    allowed,
    choose,
    conditions,
    functions,
    references,
    role_statements,
    target,
)

ROOT = Path(__file__).resolve().parents[3]
SECRETS = {"${CursorSecret}", "${OriginVerifySecret}"}
GET_SECRET = "secretsmanager:GetSecretValue"


def _chosen(template: dict[str, Any], logical_id: str, **parameters: str) -> Any:
    """A resource's properties as CloudFormation creates them for these parameters."""
    truth = conditions(template, parameters)
    return choose(template["Resources"][logical_id]["Properties"], truth)


def _strings(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for value in node.values() for s in _strings(value)]
    if isinstance(node, list):
        return [s for value in node for s in _strings(value)]
    return []


def _api_origin(template: dict[str, Any]) -> dict[str, Any]:
    config = template["Resources"]["Distribution"]["Properties"]["DistributionConfig"]
    (origin,) = [o for o in config["Origins"] if o["Id"] == "api"]
    return dict(origin)


@pytest.mark.parametrize(("name", "default"), [
    ("ApiThrottleRate", 50), ("ApiThrottleBurst", 100), ("WafRateLimit", 0),
    ("Mfa", "OFF"), ("ThreatProtection", "OFF"), ("OriginVerifyGeneration", 1),
])
def test_each_edge_setting_is_a_parameter_with_a_safe_default(
    template: dict[str, Any], name: str, default: object
) -> None:
    assert template["Parameters"][name]["Default"] == default


def test_mfa_and_threat_protection_take_only_their_documented_modes(
    template: dict[str, Any],
) -> None:
    parameters = template["Parameters"]
    assert parameters["Mfa"]["AllowedValues"] == ["OFF", "OPTIONAL", "ON"]
    assert parameters["ThreatProtection"]["AllowedValues"] == ["OFF", "AUDIT", "ENFORCED"]


def test_the_stage_throttles_every_route_and_method(resources: dict[str, Any]) -> None:
    (setting,) = resources["RestAPI"]["Properties"]["MethodSettings"]
    assert (setting["ResourcePath"], setting["HttpMethod"]) == ("/*", "*")
    assert setting["ThrottlingRateLimit"] == {"Ref": "ApiThrottleRate"}
    assert setting["ThrottlingBurstLimit"] == {"Ref": "ApiThrottleBurst"}


def test_a_throttled_request_gets_429_throttled_in_our_shape(resources: dict[str, Any]) -> None:
    throttled = resources["RestAPI"]["Properties"]["GatewayResponses"]["THROTTLED"]
    body = json.loads(throttled["ResponseTemplates"]["application/json"])
    assert throttled["StatusCode"] == "429"
    assert set(body) == {"error"} and body["error"]["code"] == "throttled"
    assert body["error"]["message"]
    # API Gateway wants a quoted literal for a static header value
    assert throttled["ResponseParameters"]["Headers"]["Retry-After"] == "'1'"


def test_cloudfront_sends_the_origin_secret_to_the_api_only(template: dict[str, Any]) -> None:
    # GIVEN the distribution's origins WHEN their custom headers are read
    (header,) = _api_origin(template)["OriginCustomHeaders"]
    # THEN the API origin gets the header the API checks, its value resolved by CloudFormation
    # from the generated secret (CloudFront needs the literal); S3 origins get no such header
    assert header["HeaderName"] == HEADER
    expected = "{{resolve:secretsmanager:${OriginVerifySecret}:SecretString}}"
    assert target(header["HeaderValue"]) == expected
    config = template["Resources"]["Distribution"]["Properties"]["DistributionConfig"]
    others = [o for o in config["Origins"] if o["Id"] != "api"]
    assert others and not any("OriginCustomHeaders" in o for o in others)
    secret = template["Resources"]["OriginVerifySecret"]["Properties"]["GenerateSecretString"]
    assert secret["PasswordLength"] >= 32


def test_the_api_names_its_secrets_by_arn_and_only_it_knows_the_origin_one(
    template: dict[str, Any],
) -> None:
    deployed = functions(template)
    api = deployed["APIHandler"]["Environment"]["Variables"]
    assert api["ORIGIN_VERIFY_SECRET_ARN"] == {"Ref": "OriginVerifySecret"}
    assert api["CURSOR_SECRET_ARN"] == {"Ref": "CursorSecret"}
    others = [n for n, p in deployed.items() if "ORIGIN_VERIFY_SECRET_ARN" in
              p["Environment"]["Variables"]]
    assert others == ["APIHandler"]


def test_the_api_role_reads_exactly_its_two_secrets_and_no_other_role_reads_any(
    template: dict[str, Any],
) -> None:
    for name in functions(template):
        statements = role_statements(template, name)
        granted = {target(r) for s in statements if GET_SECRET in _list(s["Action"])
                   for r in _list(s["Resource"])}
        assert granted == (SECRETS if name == "APIHandler" else set()), name
        # nothing else reaches secrets: no wildcard action or resource covers another secret
        elsewhere = "arn:aws:secretsmanager:us-east-1:123456789012:secret:other-AbCdEf"
        assert not allowed(statements, GET_SECRET, elsewhere), name
    assert "ApiSecretsPolicy" in template["Resources"]["APIHandler"]["DependsOn"]


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_no_secret_value_reaches_an_environment_or_an_output(template: dict[str, Any]) -> None:
    # GIVEN every dynamic reference in the template WHEN located THEN the origin header is the
    # only one: no function's environment resolves a secret into a plain variable
    resolved = [s for s in _strings(template) if "{{resolve:" in s]
    assert resolved == ["{{resolve:secretsmanager:${OriginVerifySecret}:SecretString}}"]
    for name, properties in functions(template).items():
        assert not any("{{resolve:" in s for s in _strings(properties["Environment"])), name
    # and no output resolves a secret or points at one
    outputs = template["Outputs"]
    assert not any("{{resolve:" in s for s in _strings(outputs))
    assert not references(outputs) & {"CursorSecret", "OriginVerifySecret"}


def test_waf_is_off_by_default_and_on_when_a_limit_is_given(template: dict[str, Any]) -> None:
    acl = template["Resources"]["EdgeWebAcl"]
    assert acl["Condition"] == "HasWaf"
    assert not conditions(template)["HasWaf"]
    assert conditions(template, {"WafRateLimit": "2000"})["HasWaf"]
    off = _chosen(template, "Distribution")["DistributionConfig"]
    on = _chosen(template, "Distribution", WafRateLimit="2000")["DistributionConfig"]
    assert "WebACLId" not in off
    assert on["WebACLId"] == {"Fn::GetAtt": ["EdgeWebAcl", "Arn"]}


def test_the_waf_rule_limits_each_ip_on_the_api_and_answers_429_in_our_shape(
    resources: dict[str, Any],
) -> None:
    acl = resources["EdgeWebAcl"]["Properties"]
    assert acl["Scope"] == "CLOUDFRONT" and acl["DefaultAction"] == {"Allow": {}}
    (rule,) = acl["Rules"]
    rate = rule["Statement"]["RateBasedStatement"]
    assert (rate["AggregateKeyType"], rate["Limit"]) == ("IP", {"Ref": "WafRateLimit"})
    match = rate["ScopeDownStatement"]["ByteMatchStatement"]
    assert match["FieldToMatch"] == {"UriPath": {}}
    assert (match["PositionalConstraint"], match["SearchString"]) == ("STARTS_WITH", "/api/")
    response = rule["Action"]["Block"]["CustomResponse"]
    assert response["ResponseCode"] == 429
    body = acl["CustomResponseBodies"][response["CustomResponseBodyKey"]]
    assert body["ContentType"] == "APPLICATION_JSON"
    assert json.loads(body["Content"])["error"]["code"] == "throttled"
    assert {"Name": "Retry-After", "Value": "300"} in response["ResponseHeaders"]


def test_a_web_acl_outside_us_east_1_is_refused_before_anything_is_made(
    template: dict[str, Any],
) -> None:
    rule = template["Rules"]["WafNeedsUsEast1"]
    assert rule["RuleCondition"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "WafRateLimit"}, "0"]}]}
    (assertion,) = rule["Assertions"]
    assert assertion["Assert"] == {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]}


def test_tokens_live_15_minutes_and_the_web_app_refreshes_well_before(
    resources: dict[str, Any],
) -> None:
    client = resources["UserPoolClient"]["Properties"]
    assert (client["AccessTokenValidity"], client["IdTokenValidity"]) == (15, 15)
    assert client["TokenValidityUnits"]["AccessToken"] == "minutes"
    assert client["TokenValidityUnits"]["IdToken"] == "minutes"
    auth = (ROOT / "web" / "js" / "auth.js").read_text()
    margin = re.search(r"REFRESH_MARGIN_MS = (\d+) \* 60 \* 1000", auth)
    assert margin is not None
    assert 1 <= int(margin.group(1)) <= 15 // 2  # a refresh, then at least as long again


def test_the_app_client_allows_exactly_the_flows_the_web_app_uses(
    resources: dict[str, Any],
) -> None:
    flows = set(resources["UserPoolClient"]["Properties"]["ExplicitAuthFlows"])
    auth = (ROOT / "web" / "js" / "auth.js").read_text()
    used = set(re.findall(r"AuthFlow: '([A-Z_]+)'", auth))
    assert used == {"USER_PASSWORD_AUTH", "REFRESH_TOKEN_AUTH"}
    assert flows == {f"ALLOW_{flow}" for flow in used}


def test_mfa_is_off_by_default_and_totp_only_when_on(template: dict[str, Any]) -> None:
    pool = _chosen(template, "UserPool")
    assert pool["MfaConfiguration"] == {"Ref": "Mfa"}
    assert "EnabledMfas" not in pool
    for mode in ("OPTIONAL", "ON"):
        assert _chosen(template, "UserPool", Mfa=mode)["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]
    assert "SmsConfiguration" not in template["Resources"]["UserPool"]["Properties"]


def test_threat_protection_is_off_by_default_and_puts_the_pool_on_plus(
    template: dict[str, Any],
) -> None:
    pool = _chosen(template, "UserPool")
    assert "UserPoolAddOns" not in pool and "UserPoolTier" not in pool
    for mode in ("AUDIT", "ENFORCED"):
        chosen = _chosen(template, "UserPool", ThreatProtection=mode)
        assert chosen["UserPoolTier"] == "PLUS"
        assert chosen["UserPoolAddOns"] == {"AdvancedSecurityMode": {"Ref": "ThreatProtection"}}


def test_a_new_origin_key_generation_changes_the_distribution(template: dict[str, Any]) -> None:
    # CloudFormation re-resolves a dynamic reference only for a resource it updates
    config = template["Resources"]["Distribution"]["Properties"]["DistributionConfig"]
    assert "OriginVerifyGeneration" in references(config["Comment"])


def test_with_mfa_on_the_web_app_sets_an_app_up_and_answers_both_challenges(
    template: dict[str, Any],
) -> None:
    # Mfa=ON answers a user without an app with MFA_SETUP, then SOFTWARE_TOKEN_MFA: the web
    # app must handle both, and set the app up with calls the token allows (no client flow).
    assert "ON" in template["Parameters"]["Mfa"]["AllowedValues"]
    auth = (ROOT / "web" / "js" / "auth.js").read_text()
    assert "= 'SOFTWARE_TOKEN_MFA'" in auth and "= 'MFA_SETUP'" in auth
    calls = set(re.findall(r"call\('([A-Za-z]+)'", auth))
    assert {"AssociateSoftwareToken", "VerifySoftwareToken", "SetUserMFAPreference",
            "GetUser"} <= calls
    assert "respond(MFA_SETUP_CHALLENGE," in auth and "respond(MFA_CHALLENGE," in auth

"""Packaged API Gateway and CloudFront: error shape, behaviours, origin access, path rewrite."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.integration.deploy.conftest import Packaged
from tests.integration.deploy.sam_reading import run_viewer_function, target

CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
ONE_YEAR = 31536000



@pytest.fixture(scope="module")
def distribution(resources: dict[str, Any]) -> dict[str, Any]:
    config: dict[str, Any] = resources["Distribution"]["Properties"]["DistributionConfig"]
    return config


def _render(template: str, response_type: str, message: str) -> Any:
    """What API Gateway sends for a gateway response, given its context variables."""
    body = template.replace("$context.error.responseType", response_type)
    return json.loads(body.replace("$context.error.messageString", json.dumps(message)))


def test_rest_api_is_regional_on_the_api_stage(resources: dict[str, Any]) -> None:
    props = resources["RestAPI"]["Properties"]
    assert props["StageName"] == "api"
    assert props["EndpointConfiguration"] == "REGIONAL"  # CloudFront is in front already


@pytest.mark.parametrize("response", ["DEFAULT_4XX", "DEFAULT_5XX"])
def test_gateway_errors_have_the_api_error_shape(resources: dict[str, Any], response: str) -> None:
    # GIVEN API Gateway's own error WHEN its template is filled in THEN it is our JSON shape
    responses = resources["RestAPI"]["Properties"]["GatewayResponses"]
    template = responses[response]["ResponseTemplates"]["application/json"]
    body = _render(template, "THROTTLED", 'Too "Many" Requests')
    assert body == {"error": {"code": "THROTTLED", "message": 'Too "Many" Requests'}}


def test_unknown_routes_are_404_not_found(resources: dict[str, Any]) -> None:
    missing = resources["RestAPI"]["Properties"]["GatewayResponses"]["MISSING_AUTHENTICATION_TOKEN"]
    body = _render(missing["ResponseTemplates"]["application/json"], "X", "y")
    assert (missing["StatusCode"], body["error"]["code"]) == ("404", "not_found")


def test_api_behaviour_forwards_everything_and_caches_nothing(
    distribution: dict[str, Any],
) -> None:
    (api,) = [b for b in distribution["CacheBehaviors"] if b["PathPattern"] == "/api/*"]
    origins = {o["Id"]: o for o in distribution["Origins"]}
    origin = origins[api["TargetOriginId"]]
    assert target(origin["DomainName"]) == "${RestAPI}.execute-api.${AWS::Region}.amazonaws.com"
    assert "OriginPath" not in origin  # the stage name `api` is already the path prefix
    assert origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    assert api["CachePolicyId"] == CACHING_DISABLED
    assert api["OriginRequestPolicyId"] == ALL_VIEWER_EXCEPT_HOST
    assert {"POST", "PATCH", "DELETE"} <= set(api["AllowedMethods"])


def test_renditions_come_from_the_bucket_through_origin_access_control(
    distribution: dict[str, Any], resources: dict[str, Any]
) -> None:
    behaviours = distribution["CacheBehaviors"]
    (renditions,) = [b for b in behaviours if b["PathPattern"] == "/renditions/*"]
    origin = {o["Id"]: o for o in distribution["Origins"]}[renditions["TargetOriginId"]]
    assert target(origin["DomainName"]) == "${RenditionsBucket.RegionalDomainName}"
    assert target(origin["OriginAccessControlId"]) == "${RenditionsOriginAccessControl.Id}"
    (association,) = renditions["FunctionAssociations"]
    assert association["EventType"] == "viewer-request"
    assert target(association["FunctionARN"]).startswith("${RenditionsPathFunction.")
    assert renditions["AllowedMethods"] == ["GET", "HEAD"]
    policy = resources[renditions["CachePolicyId"]["Ref"]]["Properties"]["CachePolicyConfig"]
    assert policy["DefaultTTL"] == policy["MaxTTL"] == ONE_YEAR


def test_only_this_distribution_may_read_the_renditions_bucket(resources: dict[str, Any]) -> None:
    props = resources["RenditionsBucketPolicy"]["Properties"]
    (statement,) = [s for s in props["PolicyDocument"]["Statement"] if s["Effect"] == "Allow"]
    assert target(props["Bucket"]) == "${RenditionsBucket}"
    assert statement["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert statement["Action"] == "s3:GetObject"
    source = target(statement["Condition"]["StringEquals"]["AWS:SourceArn"])
    assert source.endswith(":distribution/${Distribution}")


def test_the_distribution_url_is_an_output(packaged: Packaged) -> None:
    outputs = packaged.template["Outputs"]
    assert target(outputs["DistributionURL"]["Value"]) == "https://${Distribution.DomainName}"


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run the CloudFront code")
def test_viewer_function_strips_the_renditions_prefix(
    resources: dict[str, Any], tmp_path: Path
) -> None:
    # GIVEN the CloudFront Function's code WHEN run on viewer paths THEN keys or 404s come out
    code = resources["RenditionsPathFunction"]["Properties"]["FunctionCode"]
    uris = ["/renditions/abc/thumb.webp", "/abc/thumb.webp", "/renditions/", "/api/x", "/"]
    assert run_viewer_function(code, uris, tmp_path) == ["/abc/thumb.webp", 404, 404, 404, 404]


SEARCH_PATTERNS = ["/api/search*", "/api/suggest*"]


@pytest.mark.parametrize("pattern", SEARCH_PATTERNS)
def test_search_has_its_own_behaviour_ahead_of_the_api_one(
    distribution: dict[str, Any], pattern: str
) -> None:
    # GIVEN CloudFront takes the first matching pattern WHEN a search URL comes in
    # THEN the search behaviour is met before /api/* and goes to the same API origin
    patterns = [b["PathPattern"] for b in distribution["CacheBehaviors"]]
    behaviour = distribution["CacheBehaviors"][patterns.index(pattern)]
    (api,) = [b for b in distribution["CacheBehaviors"] if b["PathPattern"] == "/api/*"]
    assert patterns.index(pattern) < patterns.index("/api/*")
    assert behaviour["TargetOriginId"] == api["TargetOriginId"]
    assert behaviour["ViewerProtocolPolicy"] == "https-only"
    assert behaviour["AllowedMethods"] == ["GET", "HEAD", "OPTIONS"]
    assert behaviour["CachedMethods"] == ["GET", "HEAD"]


def _search_policies(
    distribution: dict[str, Any], resources: dict[str, Any]
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    behaviours = [b for b in distribution["CacheBehaviors"] if b["PathPattern"] in SEARCH_PATTERNS]
    assert len(behaviours) == len(SEARCH_PATTERNS)
    return [
        (
            resources[b["CachePolicyId"]["Ref"]]["Properties"]["CachePolicyConfig"],
            resources[b["OriginRequestPolicyId"]["Ref"]]["Properties"]["OriginRequestPolicyConfig"],
        )
        for b in behaviours
    ]


def test_search_answers_are_cached_only_as_long_as_the_origin_says_up_to_ten_seconds(
    distribution: dict[str, Any], resources: dict[str, Any]
) -> None:
    # GIVEN `public, max-age=10` (anonymous) or `private, no-store` (signed in) from the origin
    # WHEN CloudFront applies the policy THEN it keeps the first 10 s and the second not at all
    for cache, _ in _search_policies(distribution, resources):
        assert (cache["MinTTL"], cache["DefaultTTL"], cache["MaxTTL"]) == (0, 0, 10)
        key = cache["ParametersInCacheKeyAndForwardedToOrigin"]
        assert key["QueryStringsConfig"] == {"QueryStringBehavior": "all"}
        assert key["CookiesConfig"] == {"CookieBehavior": "none"}


def test_search_never_forwards_or_keys_on_authorization(
    distribution: dict[str, Any], resources: dict[str, Any]
) -> None:
    # GIVEN a signed-in viewer WHEN it searches THEN its token neither reaches the origin nor
    # splits the cache: every viewer shares one answer per query string
    for cache, origin in _search_policies(distribution, resources):
        key_headers = cache["ParametersInCacheKeyAndForwardedToOrigin"]["HeadersConfig"]
        for headers in (key_headers, origin["HeadersConfig"]):
            named = [h.lower() for h in headers.get("Headers", [])]
            assert (
                headers["HeaderBehavior"] in ("none", "whitelist") and "authorization" not in named
            )
        assert origin["QueryStringsConfig"] == {"QueryStringBehavior": "all"}
        assert origin["CookiesConfig"] == {"CookieBehavior": "none"}

"""The search engine the stack creates: a private, encrypted domain or a serverless collection."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.integration.deploy.sam_reading import choose, conditions, functions, target

DOMAIN_ONLY = {"SearchDomain"}
SERVERLESS_ONLY = {
    "SearchCollection", "SearchEncryptionPolicy", "SearchNetworkPolicy", "SearchDataPolicy"
}  # fmt: skip
ROLES = {"indexer": "arn:test:role/indexer", "api": "arn:test:role/api",
         "sweeper": "arn:test:role/sweeper"}



@pytest.fixture(scope="module")
def domain(template: dict[str, Any]) -> dict[str, Any]:
    properties: dict[str, Any] = template["Resources"]["SearchDomain"]["Properties"]
    return properties


def _sub(value: dict[str, Any], name: str = "images-abc") -> str:
    """A Fn::Sub's text with its ${Name} variable and the two role ARNs filled in."""
    text, variables = (
        value["Fn::Sub"] if isinstance(value["Fn::Sub"], list) else (value["Fn::Sub"], {})
    )
    text = text.replace("${IndexerRole.Arn}", ROLES["indexer"])
    text = text.replace("${ApiHandlerRole.Arn}", ROLES["api"])
    text = text.replace("${SweeperRole.Arn}", ROLES["sweeper"])
    return str(text.replace("${Name}", name)) if "Name" in variables else str(text)


def _created(template: dict[str, Any], engine: str) -> set[str]:
    truth = conditions(template, {"SearchEngine": engine})
    resources = template["Resources"]
    return {n for n, body in resources.items() if truth.get(body.get("Condition", ""), True)}


@pytest.mark.parametrize(
    ("engine", "present", "absent"),
    [("domain", DOMAIN_ONLY, SERVERLESS_ONLY), ("serverless", SERVERLESS_ONLY, DOMAIN_ONLY)],
)
def test_one_search_engine_is_created_the_domain_by_default(
    template: dict[str, Any], engine: str, present: set[str], absent: set[str]
) -> None:
    # GIVEN SearchEngine WHEN the conditions are applied THEN only that engine's resources exist
    created = _created(template, engine)
    assert present <= created and not absent & created
    assert template["Parameters"]["SearchEngine"]["Default"] == "domain"


def test_the_domain_is_encrypted_at_rest_and_in_transit_and_https_only(
    domain: dict[str, Any],
) -> None:
    assert domain["EncryptionAtRestOptions"]["Enabled"] is True
    assert domain["NodeToNodeEncryptionOptions"] == {"Enabled": True}
    endpoint = domain["DomainEndpointOptions"]
    assert endpoint["EnforceHTTPS"] is True
    assert endpoint["TLSSecurityPolicy"].startswith("Policy-Min-TLS-1-2")
    assert domain["EBSOptions"]["VolumeType"] == "gp3"
    assert domain["EBSOptions"]["VolumeSize"] == {"Ref": "SearchVolumeGiB"}


def test_fine_grained_access_is_iam_only_with_a_setup_role_as_master(
    template: dict[str, Any], domain: dict[str, Any]
) -> None:
    # GIVEN the domain's security options WHEN its master is read THEN it is the setup role,
    # which no function runs as, and whose own rights reach the security plugin's API only
    security = domain["AdvancedSecurityOptions"]
    assert security["Enabled"] is True and security["InternalUserDatabaseEnabled"] is False
    assert target(security["MasterUserOptions"]["MasterUserARN"]) == "${SearchAdminRole.Arn}"
    assert "MasterUserName" not in security["MasterUserOptions"]  # no password anywhere
    roles = {body["Properties"]["Role"]["Fn::GetAtt"][0] for body in
             template["Resources"].values() if body["Type"] == "AWS::Serverless::Function"}
    assert roles and "SearchAdminRole" not in roles
    admin = template["Resources"]["SearchAdminRole"]
    assert admin["Condition"] == "SearchIsDomain"
    (policy,) = admin["Properties"]["Policies"]
    (statement,) = policy["PolicyDocument"]["Statement"]
    assert sorted(statement["Action"]) == ["es:ESHttpGet", "es:ESHttpPut"]
    assert _sub(statement["Resource"]).endswith(":domain/images-abc/_plugins/_security/*")


def test_the_access_policy_lets_in_exactly_our_roles(domain: dict[str, Any]) -> None:
    # GIVEN the domain's resource policy WHEN its principals are listed THEN the functions'
    # roles and the setup role only, the API to the read alias's _search only, the setup role
    # to the security API only, and never a wildcard principal or action
    statements = domain["AccessPolicies"]["Statement"]
    principals = {target(s["Principal"]["AWS"]) for s in statements}
    assert principals == {"${IndexerRole.Arn}", "${ApiHandlerRole.Arn}", "${SweeperRole.Arn}",
                          "${SearchAdminRole.Arn}"}
    assert all(s["Effect"] == "Allow" and "*" not in str(s["Action"]) for s in statements)
    by_role = {target(s["Principal"]["AWS"]): s for s in statements}
    name = "images-abc"
    api_resource = _sub(by_role["${ApiHandlerRole.Arn}"]["Resource"], name)
    assert api_resource.endswith(f":domain/{name}/images/_search")
    assert _sub(by_role["${IndexerRole.Arn}"]["Resource"], name).endswith(f":domain/{name}/*")
    assert _sub(by_role["${SweeperRole.Arn}"]["Resource"], name).endswith(f":domain/{name}/*")
    setup = _sub(by_role["${SearchAdminRole.Arn}"]["Resource"], name)
    assert setup.endswith(f":domain/{name}/_plugins/_security/*")
    for statement in statements:  # the policy names this domain, by the name it is given
        assert statement["Resource"]["Fn::Sub"][1]["Name"] == domain["DomainName"]


@pytest.mark.parametrize(
    ("stage", "given", "expected"),
    [
        ("dev", {}, ("t3.small.search", 1, False)),
        ("prod", {}, ("r7g.large.search", 2, True)),
        ("prod", {"SearchInstanceType": "m7g.large.search", "SearchInstanceCount": "3"},
         ("m7g.large.search", 3, False)),
    ],
)  # fmt: skip
def test_node_size_and_count_follow_the_stage_unless_given(
    template: dict[str, Any],
    domain: dict[str, Any],
    stage: str,
    given: dict[str, str],
    expected: tuple[str, int, bool],
) -> None:
    parameters = {"Stage": stage, **given}
    cluster = choose(domain["ClusterConfig"], conditions(template, parameters))
    values = {"SearchInstanceType": given.get("SearchInstanceType"),
              "SearchInstanceCount": int(given.get("SearchInstanceCount", 0))}  # fmt: skip
    kind, count = (values.get(v["Ref"], v) if isinstance(v, dict) else v
                   for v in (cluster["InstanceType"], cluster["InstanceCount"]))  # fmt: skip
    assert (kind, count, cluster["ZoneAwarenessEnabled"]) == expected
    assert ("ZoneAwarenessConfig" in cluster) is expected[2]


def test_the_serverless_collection_is_encrypted_and_reached_only_through_its_data_policy(
    template: dict[str, Any],
) -> None:
    resources = template["Resources"]
    collection = resources["SearchCollection"]
    assert set(collection["DependsOn"]) == {"SearchEncryptionPolicy", "SearchNetworkPolicy"}
    assert collection["Properties"]["Type"] == "SEARCH"
    chosen = choose(resources["SearchEncryptionPolicy"]["Properties"]["Policy"],
                    conditions(template, {"SearchEngine": "serverless"}))
    encryption = json.loads(_sub(chosen))
    assert encryption["Rules"] == [
        {"ResourceType": "collection", "Resource": ["collection/images-abc"]}
    ]
    (network,) = json.loads(_sub(resources["SearchNetworkPolicy"]["Properties"]["Policy"]))
    assert [r["ResourceType"] for r in network["Rules"]] == ["collection"]  # no dashboards
    for kind in ("SearchEncryptionPolicy", "SearchNetworkPolicy", "SearchCollection"):
        props = resources[kind]["Properties"]
        name = props["Name"] if kind == "SearchCollection" else props["Name"]["Fn::Sub"][1]["Name"]
        assert name == resources["SearchDomain"]["Properties"]["DomainName"], kind


def test_the_data_policy_gives_the_indexer_writes_and_the_api_reads_only(
    template: dict[str, Any],
) -> None:
    policy = template["Resources"]["SearchDataPolicy"]["Properties"]
    assert policy["Type"] == "data"
    rules = json.loads(_sub(policy["Policy"]))
    by_principal = {tuple(rule["Principal"]): rule["Rules"] for rule in rules}
    # the sweeper re-indexes what the stream missed: it writes as the indexer does
    writers = (ROLES["indexer"], ROLES["sweeper"])
    assert set(by_principal) == {writers, (ROLES["api"],)}
    for grants in by_principal.values():
        assert [g["Resource"] for g in grants] == [["index/images-abc/images*"]]
    (api,) = by_principal[(ROLES["api"],)]
    assert set(api["Permission"]) == {"aoss:DescribeIndex", "aoss:ReadDocument"}
    (indexer,) = by_principal[writers]
    assert {"aoss:CreateIndex", "aoss:WriteDocument"} <= set(indexer["Permission"])


@pytest.mark.parametrize(
    ("engine", "endpoint", "service"),
    [
        ("domain", "https://${SearchDomain.DomainEndpoint}", "es"),
        ("serverless", "${SearchCollection.CollectionEndpoint}", "aoss"),
    ],
)
def test_every_function_is_pointed_at_the_engine_the_stack_created(
    template: dict[str, Any], engine: str, endpoint: str, service: str
) -> None:
    truth = conditions(template, {"SearchEngine": engine})
    for name, props in functions(template).items():
        env = choose(props["Environment"]["Variables"], truth)
        assert (target(env["OPENSEARCH_ENDPOINT"]), env["OPENSEARCH_SERVICE"]) == (
            endpoint, service), name  # fmt: skip
        assert env["SEARCH_BACKEND"] == "opensearch"


@pytest.mark.parametrize("engine", ["domain", "serverless"])
def test_no_function_maps_search_roles_the_deploy_does(
    template: dict[str, Any], engine: str
) -> None:
    # The indexer is no longer the domain's master: role mappings are written by `make deploy`
    # (infra/search_access.py) as the setup role, so no function is told which roles to map.
    truth = conditions(template, {"SearchEngine": engine})
    for name, props in functions(template).items():
        env = choose(props["Environment"]["Variables"], truth)
        assert not {"OPENSEARCH_READER_ROLE_ARNS", "OPENSEARCH_WRITER_ROLE_ARNS"} & set(env), name


def _evaluate(node: Any, stack_id: str) -> Any:
    """Fn::Join / Select / Split over AWS::StackId, as CloudFormation computes them."""
    if not isinstance(node, dict):
        return [_evaluate(item, stack_id) for item in node] if isinstance(node, list) else node
    ((key, arg),) = node.items()
    if key == "Ref":
        assert arg == "AWS::StackId"
        return stack_id
    args = _evaluate(arg, stack_id)
    if key == "Fn::Join":
        return args[0].join(args[1])
    if key == "Fn::Select":
        return args[1][args[0]]
    assert key == "Fn::Split"
    return args[1].split(args[0])


def test_the_search_name_is_unique_per_stack_and_a_valid_domain_name(
    template: dict[str, Any], domain: dict[str, Any]
) -> None:
    # GIVEN two stacks' ids WHEN the name is built as CloudFormation will THEN each stack gets
    # its own, within the domain rules (3-28 chars, a letter first) and the collection's (3-32)
    base = "arn:aws:cloudformation:eu-west-1:123456789012:stack/stock-images-prod/"
    names = {
        _evaluate(domain["DomainName"], base + suffix)
        for suffix in ("1a2b3c4d-aaaa-bbbb-cccc-dddddddddddd", "9f8e7d6c-aaaa-bbbb-cccc-dddd")
    }
    assert names == {"images-1a2b3c4d", "images-9f8e7d6c"}
    assert all(re.fullmatch(r"[a-z][a-z0-9-]{2,27}", name) for name in names)
    assert template["Outputs"]["SearchName"]["Value"] == domain["DomainName"]

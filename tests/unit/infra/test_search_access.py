"""`make deploy`'s search step: the setup role maps the functions' roles inside the domain."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from infra import deploy, search_access
from infra.deploy_aws import Aws, Completed, DeployError
from tests.unit.infra.fake_aws import OUTPUTS, FakeAws, outputs_json

ENDPOINT = "https://search-images-abc.eu-west-1.es.amazonaws.com"
ROLES = {
    "IndexerRoleArn": "arn:aws:iam::123456789012:role/indexer",
    "SweeperRoleArn": "arn:aws:iam::123456789012:role/sweeper",
    "ApiRoleArn": "arn:aws:iam::123456789012:role/api",
}
DOMAIN_OUTPUTS = {**OUTPUTS, **ROLES, "SearchEndpoint": ENDPOINT,
                  "SearchAdminRoleArn": "arn:aws:iam::123456789012:role/search-admin"}
CREDENTIALS = {"AccessKeyId": "ASIAEXAMPLE", "SecretAccessKey": "secret",
               "SessionToken": "token", "Expiration": "2030-01-01T00:00:00Z"}


@dataclass
class Reply:
    status_code: int = 200
    text: str = "{}"


@dataclass
class RecordingSession:
    """Records every request; answers from `statuses` in order (200 once they run out)."""

    statuses: list[int] = field(default_factory=list)
    sent: list[tuple[str, str, Any]] = field(default_factory=list)
    opened_with: list[tuple[dict[str, str], str]] = field(default_factory=list)

    def request(self, method: str, url: str, *, json: Any = None, timeout: float = 30) -> Reply:
        self.sent.append((method, url, json))
        status = self.statuses.pop(0) if self.statuses else 200
        return Reply(status, "refused" if status >= 300 else "{}")

    def opener(self, credentials: Mapping[str, str], region: str) -> RecordingSession:
        self.opened_with.append((dict(credentials), region))
        return self


def _domain_stack() -> FakeAws:
    aws = FakeAws()
    aws.reply("sts", "assume-role", Completed(0, json.dumps(CREDENTIALS)))
    return aws


def test_given_a_domain_then_both_roles_are_made_and_exactly_our_roles_mapped() -> None:
    # GIVEN a stack with a managed domain WHEN the step runs
    aws, session = _domain_stack(), RecordingSession()
    done = search_access.set_up(Aws(aws, "eu-west-1"), DOMAIN_OUTPUTS, session.opener)
    # THEN it signs as the setup role, with that role's short-lived credentials, for the region
    assert done is True
    (assume,) = aws.named("sts", "assume-role")
    assert assume[assume.index("--role-arn") + 1] == DOMAIN_OUTPUTS["SearchAdminRoleArn"]
    assert session.opened_with == [({k: CREDENTIALS[k] for k in
                                     ("AccessKeyId", "SecretAccessKey", "SessionToken")},
                                    "eu-west-1")]
    # AND it writes the two roles, then maps writers and readers, and nothing else
    sent = {(method, url.removeprefix(ENDPOINT)): body for method, url, body in session.sent}
    assert [(m, u.removeprefix(ENDPOINT)) for m, u, _ in session.sent] == [
        ("PUT", "/_plugins/_security/api/roles/images_writer"),
        ("PUT", "/_plugins/_security/api/roles/images_reader"),
        ("PUT", "/_plugins/_security/api/rolesmapping/images_writer"),
        ("PUT", "/_plugins/_security/api/rolesmapping/images_reader"),
    ]
    writers = sent[("PUT", "/_plugins/_security/api/rolesmapping/images_writer")]
    readers = sent[("PUT", "/_plugins/_security/api/rolesmapping/images_reader")]
    assert writers["backend_roles"] == sorted([ROLES["IndexerRoleArn"], ROLES["SweeperRoleArn"]])
    assert readers["backend_roles"] == [ROLES["ApiRoleArn"]]


def test_the_roles_reach_the_image_indices_only_and_the_reader_only_reads() -> None:
    calls = {c.path.rsplit("/", 1)[-1]: c.body for c in search_access.plan(["w"], ["r"])
             if "/roles/" in c.path}
    for body in calls.values():
        (permissions,) = body["index_permissions"]
        assert permissions["index_patterns"] == ["images*"]
    reader = calls["images_reader"]
    assert reader["index_permissions"][0]["allowed_actions"] == ["read"]
    assert reader["cluster_permissions"] == []
    writer = calls["images_writer"]["index_permissions"][0]["allowed_actions"]
    assert {"crud", "create_index"} <= set(writer) and "indices_all" not in writer


def test_given_a_collection_then_nothing_is_signed_or_sent() -> None:
    # A serverless stack has no SearchAdminRoleArn output: its data policy names the roles.
    aws, session = FakeAws(), RecordingSession()
    assert search_access.set_up(Aws(aws, "eu-west-1"), OUTPUTS, session.opener) is False
    assert aws.commands == [] and session.sent == [] and session.opened_with == []


def test_given_a_refused_call_then_the_deploy_fails_naming_it() -> None:
    aws, session = _domain_stack(), RecordingSession(statuses=[200, 403])
    with pytest.raises(DeployError, match="roles/images_reader answered 403"):
        search_access.set_up(Aws(aws, "eu-west-1"), DOMAIN_OUTPUTS, session.opener)
    assert len(session.sent) == 2  # stopped at the refusal


def test_given_a_stack_without_the_role_outputs_then_it_fails_before_signing() -> None:
    aws, session = _domain_stack(), RecordingSession()
    outputs = {k: v for k, v in DOMAIN_OUTPUTS.items() if k != "SweeperRoleArn"}
    with pytest.raises(DeployError, match="SweeperRoleArn"):
        search_access.set_up(Aws(aws, "eu-west-1"), outputs, session.opener)
    assert aws.commands == [] and session.sent == []


def test_the_deploy_maps_search_roles_after_the_stack_and_before_the_web_app(
    tmp_path: Path,
) -> None:
    # GIVEN an existing domain stack WHEN it is deployed again
    aws, session = _domain_stack(), RecordingSession()
    aws.reply("cloudformation", "describe-stacks", outputs_json(DOMAIN_OUTPUTS),
              outputs_json(DOMAIN_OUTPUTS))
    target = deploy.Target("prod", "eu-west-1", artifact_bucket="artifacts", build=tmp_path)
    deploy.deploy(target, aws, session.opener)
    # THEN the roles are mapped once, after the stack deploy, before the web app's upload
    operations = aws.operations()
    assert operations.count("sts assume-role") == 1
    assumed = operations.index("sts assume-role")
    assert operations.index("cloudformation deploy") < assumed < operations.index("s3 cp")
    assert len(session.sent) == 4

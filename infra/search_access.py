"""`make deploy`'s last step on a managed search domain: who may do what inside OpenSearch.

The domain's fine-grained access control gives an unmapped IAM role nothing, and its mappings
live inside the cluster, where CloudFormation can't write. Its master user is the stack's
SearchAdminRole, which no function runs as: the deploy assumes it (AWS CLI, `sts assume-role`)
and, through the security plugin's REST API signed with those credentials, makes two roles of
our own and maps the functions' IAM roles to them:

- `images_writer` (the indexer and the sweeper): read and write the image indices, create the
  first one, manage the aliases in front of them; nothing outside `images*`.
- `images_reader` (the API): search the image indices, nothing else.

Run on every deploy: each PUT states the whole role or mapping, so a second run changes nothing
and a hand-made change to these two roles is put back. A serverless collection has no such
step: its data access policy (template.yaml SearchDataPolicy) names each role.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from infra.deploy_aws import Aws, DeployError

WRITER_ROLE = "images_writer"
READER_ROLE = "images_reader"
INDEX_PATTERN = "images*"
# Stack outputs this step reads (template.yaml Outputs).
ADMIN_ROLE_OUTPUT = "SearchAdminRoleArn"
ENDPOINT_OUTPUT = "SearchEndpoint"
WRITERS_OUTPUTS = ("IndexerRoleArn", "SweeperRoleArn")
READERS_OUTPUTS = ("ApiRoleArn",)

ROLE_BODIES: dict[str, dict[str, Any]] = {
    # Bulk writes are a cluster-level action (cluster_composite_ops: bulk, mget, msearch);
    # versions are read with a _search on the read alias (`read` covers it).
    WRITER_ROLE: {
        "cluster_permissions": ["cluster_composite_ops"],
        "index_permissions": [{
            "index_patterns": [INDEX_PATTERN],
            "allowed_actions": ["crud", "create_index", "indices:admin/aliases",
                                "indices:admin/aliases/get"],
        }],
    },
    READER_ROLE: {
        "cluster_permissions": [],
        "index_permissions": [{"index_patterns": [INDEX_PATTERN], "allowed_actions": ["read"]}],
    },
}


class Answer(Protocol):
    """What a `requests` response offers this step."""

    @property
    def status_code(self) -> int:
        """The HTTP status."""

    @property
    def text(self) -> str:
        """The body, decoded."""


class Session(Protocol):
    """A signed HTTP session (requests.Session with AWS4Auth, or a recording fake in tests)."""

    def request(self, method: str, url: str, *, json: Any = None, timeout: float = 30) -> Answer:
        """Send one request; the response."""


SessionOpener = Callable[[Mapping[str, str], str], Session]


@dataclass(frozen=True)
class Request:
    """One call of the security plugin's REST API."""

    method: str
    path: str
    body: dict[str, Any]


def plan(writers: list[str], readers: list[str]) -> list[Request]:
    """The calls that make both roles and map exactly these IAM role ARNs to them."""
    calls = [Request("PUT", f"/_plugins/_security/api/roles/{name}", body)
             for name, body in ROLE_BODIES.items()]
    for role, arns in ((WRITER_ROLE, writers), (READER_ROLE, readers)):
        mapping = {"backend_roles": sorted(set(arns)), "hosts": [], "users": []}
        calls.append(Request("PUT", f"/_plugins/_security/api/rolesmapping/{role}", mapping))
    return calls


def apply(session: Session, endpoint: str, calls: list[Request]) -> None:
    """Send each call in order; DeployError on the first the domain refuses."""
    for call in calls:
        answer = session.request(call.method, endpoint.rstrip("/") + call.path, json=call.body,
                                 timeout=30)
        if not 200 <= answer.status_code < 300:
            raise DeployError(f"search access: {call.method} {call.path} answered "
                              f"{answer.status_code}: {answer.text[:500]}")


def needed(outputs: Mapping[str, str]) -> bool:
    """Whether the stack has a managed domain to set up (a collection has no admin role)."""
    return bool(outputs.get(ADMIN_ROLE_OUTPUT))


def calls_for(outputs: Mapping[str, str]) -> list[Request]:
    """The plan for this stack's roles, read from its outputs."""
    names = (*WRITERS_OUTPUTS, *READERS_OUTPUTS, ENDPOINT_OUTPUT)
    missing = [name for name in names if not outputs.get(name)]
    if missing:
        raise DeployError(f"search access: the stack has no output(s) {', '.join(missing)}")
    return plan([outputs[n] for n in WRITERS_OUTPUTS], [outputs[n] for n in READERS_OUTPUTS])


def admin_credentials(aws: Aws, role_arn: str) -> dict[str, str]:
    """Short-lived credentials of the domain's master role (`aws sts assume-role`)."""
    answer = aws("sts", "assume-role", "--role-arn", role_arn, "--role-session-name",
                 "stock-images-deploy", "--duration-seconds", "900",
                 "--query", "Credentials", "--output", "json")
    found = json.loads(answer or "{}") or {}
    keys = ("AccessKeyId", "SecretAccessKey", "SessionToken")
    if not all(found.get(k) for k in keys):
        raise DeployError("search access: sts assume-role returned no credentials")
    return {k: str(found[k]) for k in keys}


def signed_session(credentials: Mapping[str, str], region: str) -> Session:
    """A requests session that signs for OpenSearch Service (`es`) with these credentials."""
    import requests
    from requests_aws4auth import AWS4Auth

    session = requests.Session()
    session.auth = AWS4Auth(credentials["AccessKeyId"], credentials["SecretAccessKey"], region,
                            "es", session_token=credentials["SessionToken"])
    return session


def set_up(
    aws: Aws, outputs: Mapping[str, str], open_session: SessionOpener = signed_session
) -> bool:
    """The whole step for a deployed stack; False when it has no managed domain."""
    if not needed(outputs):
        return False
    calls = calls_for(outputs)
    credentials = admin_credentials(aws, outputs[ADMIN_ROLE_OUTPUT])
    apply(open_session(credentials, aws.region), outputs[ENDPOINT_OUTPUT], calls)
    return True

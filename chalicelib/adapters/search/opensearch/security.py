"""Fine-grained access control on a managed domain: let the API's role read.

The stack makes the indexer's role the domain's master user. CloudFormation cannot map other
roles inside OpenSearch, and an unmapped role gets nothing even when the domain's access policy
admits it, so the indexer maps the API's role to the built-in read-only role itself, once, the
first time it writes. Mappings someone else made are kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from chalicelib.logs import child_logger

log = child_logger(__name__)

READ_ONLY_ROLE = "readall"
MAPPING_PATH = f"/_plugins/_security/api/rolesmapping/{READ_ONLY_ROLE}"


def grant_read(client: Any, role_arns: Sequence[str]) -> bool:
    """Map `role_arns` to the read-only role, keeping existing members; False if refused."""
    if not role_arns:
        return True
    from opensearchpy.exceptions import NotFoundError, TransportError

    try:
        try:
            current = client.transport.perform_request("GET", MAPPING_PATH)
            mapping = dict(current.get(READ_ONLY_ROLE, {}))
        except NotFoundError:
            mapping = {}
        members = list(mapping.get("backend_roles", []))
        wanted = list(dict.fromkeys([*members, *role_arns]))
        if wanted != members:
            body = {"backend_roles": wanted, "hosts": list(mapping.get("hosts", [])),
                    "users": list(mapping.get("users", []))}
            client.transport.perform_request("PUT", MAPPING_PATH, body=body)
        return True
    except TransportError as error:
        # Indexing must go on; searches stay refused until an operator maps the role.
        log.warning("could not map %s to %s: %s", role_arns, READ_ONLY_ROLE, error)
        return False

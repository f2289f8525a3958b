"""Fine-grained access control on a managed domain: let the API's role read, and the
sweeper's role write the image indices.

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
# The sweeper re-indexes what the stream missed: reads, bulk writes, alias lookups on images*;
# and, when its cold start is the first to meet an older mapping, reads and extends it.
WRITER_ROLE = "images_writer"
WRITER_PERMISSIONS = {
    "cluster_permissions": ["cluster_composite_ops"],
    "index_permissions": [{
        "index_patterns": ["images*"],
        "allowed_actions": ["crud", "create_index", "indices:admin/aliases/get",
                            "indices:admin/aliases", "indices:admin/mappings/get",
                            "indices:admin/mapping/put"],
    }],
}


def grant_read(client: Any, role_arns: Sequence[str]) -> bool:
    """Map `role_arns` to the read-only role, keeping existing members; False if refused."""
    return _grant(client, READ_ONLY_ROLE, role_arns)


def grant_write(client: Any, role_arns: Sequence[str]) -> bool:
    """Create (or reset) the images writer role and map `role_arns` to it; False if refused."""
    if not role_arns:
        return True
    from opensearchpy.exceptions import TransportError

    try:
        path = f"/_plugins/_security/api/roles/{WRITER_ROLE}"
        client.transport.perform_request("PUT", path, body=WRITER_PERMISSIONS)
    except TransportError as error:
        log.warning("could not create the %s role: %s", WRITER_ROLE, error)
        return False
    return _grant(client, WRITER_ROLE, role_arns)


def _grant(client: Any, role: str, role_arns: Sequence[str]) -> bool:
    """Map `role_arns` to `role`, keeping existing members; False if refused."""
    if not role_arns:
        return True
    from opensearchpy.exceptions import NotFoundError, TransportError

    path = f"/_plugins/_security/api/rolesmapping/{role}"
    try:
        try:
            current = client.transport.perform_request("GET", path)
            mapping = dict(current.get(role, {}))
        except NotFoundError:
            mapping = {}
        members = list(mapping.get("backend_roles", []))
        wanted = list(dict.fromkeys([*members, *role_arns]))
        if wanted != members:
            body = {"backend_roles": wanted, "hosts": list(mapping.get("hosts", [])),
                    "users": list(mapping.get("users", []))}
            client.transport.perform_request("PUT", path, body=body)
        return True
    except TransportError as error:
        # Indexing must go on; searches stay refused until an operator maps the role.
        log.warning("could not map %s to %s: %s", role_arns, role, error)
        return False

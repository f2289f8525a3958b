"""The indexer maps the API's role to OpenSearch's read-only role, keeping other members."""

from __future__ import annotations

from typing import Any

import pytest
from opensearchpy.exceptions import AuthorizationException, NotFoundError

from chalicelib.adapters.search.opensearch.security import (
    MAPPING_PATH,
    WRITER_PERMISSIONS,
    WRITER_ROLE,
    grant_read,
    grant_write,
)

API_ROLE = "arn:aws:iam::123456789012:role/stock-api"


class _Transport:
    def __init__(self, current: dict[str, Any] | Exception) -> None:
        self.current = current
        self.calls: list[tuple[str, str, Any]] = []

    def perform_request(self, method: str, path: str, body: Any = None) -> Any:
        self.calls.append((method, path, body))
        if method == "GET":
            if isinstance(self.current, Exception):
                raise self.current
            return self.current
        return {"status": "OK"}


class _Client:
    def __init__(self, transport: _Transport) -> None:
        self.transport = transport


def test_given_no_mapping_yet_then_the_role_is_mapped() -> None:
    transport = _Transport(NotFoundError(404, "not_found", {}))
    assert grant_read(_Client(transport), [API_ROLE]) is True
    assert transport.calls[-1] == (
        "PUT", MAPPING_PATH, {"backend_roles": [API_ROLE], "hosts": [], "users": []})


def test_given_other_members_then_they_are_kept() -> None:
    other = "arn:aws:iam::123456789012:role/analyst"
    transport = _Transport({"readall": {"backend_roles": [other], "users": ["ops"], "hosts": []}})
    grant_read(_Client(transport), [API_ROLE])
    assert transport.calls[-1][2] == {"backend_roles": [other, API_ROLE], "hosts": [],
                                      "users": ["ops"]}


def test_given_the_role_is_already_mapped_then_nothing_is_written() -> None:
    transport = _Transport({"readall": {"backend_roles": [API_ROLE]}})
    assert grant_read(_Client(transport), [API_ROLE]) is True
    assert [call[0] for call in transport.calls] == ["GET"]


@pytest.mark.parametrize("roles", [(), []])
def test_given_no_roles_then_the_domain_is_not_asked(roles: Any) -> None:
    transport = _Transport({})
    assert grant_read(_Client(transport), roles) is True
    assert transport.calls == []


def test_given_the_caller_is_not_master_then_indexing_goes_on_and_it_says_so() -> None:
    transport = _Transport(AuthorizationException(403, "security_exception", {}))
    assert grant_read(_Client(transport), [API_ROLE]) is False


def test_given_a_writer_then_the_images_writer_role_is_made_and_it_is_mapped_to_it() -> None:
    sweeper = "arn:aws:iam::123456789012:role/stock-sweeper"
    transport = _Transport(NotFoundError(404, "not_found", {}))
    assert grant_write(_Client(transport), [sweeper]) is True
    (role, _, mapping) = transport.calls
    assert role[:2] == ("PUT", f"/_plugins/_security/api/roles/{WRITER_ROLE}")
    (grant,) = role[2]["index_permissions"]
    assert grant["index_patterns"] == ["images*"] and "crud" in grant["allowed_actions"]
    assert mapping == ("PUT", f"/_plugins/_security/api/rolesmapping/{WRITER_ROLE}",
                       {"backend_roles": [sweeper], "hosts": [], "users": []})


def test_given_no_writers_then_no_role_is_made() -> None:
    transport = _Transport({})
    assert grant_write(_Client(transport), []) is True and transport.calls == []


def test_the_writer_may_read_and_extend_the_mapping_to_upgrade_it_in_place() -> None:
    # The sweeper's cold start may be the first to meet an older mapping (upgrade.py)
    granted: Any = WRITER_PERMISSIONS["index_permissions"]
    assert len(granted) == 1
    actions = set(granted[0]["allowed_actions"])
    assert {"indices:admin/mappings/get", "indices:admin/mapping/put"} <= actions

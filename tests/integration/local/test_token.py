"""`make token` signs users up in the local pool and prints access tokens."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jwt
import pytest

from infra.local import resources, template, token
from infra.local.clients import client
from infra.local.settings import write_stack
from tests.integration.local.conftest import ROOT, free_port


def _claims(access_token: str) -> dict[str, Any]:
    return dict(jwt.decode(access_token, options={"verify_signature": False}))


@pytest.fixture(scope="module")
def pool(moto_server: Any) -> tuple[Any, str, str]:
    created = resources.create_all(template.load(ROOT / "template.yaml"),
                                   resources.Clients(moto_server.endpoint_url), resources.Options())
    cognito = client("cognito-idp", moto_server.endpoint_url)
    return cognito, created["UserPool"].ref, created["UserPoolClient"].ref


def test_given_a_new_user_when_a_token_is_issued_then_it_is_an_access_token_with_groups(
    pool: Any,
) -> None:
    cognito, pool_id, client_id = pool
    issued = token.issue_token(cognito, pool_id, client_id, "tok-alice", "contributors",
                               token.DEFAULT_PASSWORD)
    claims = _claims(issued)
    assert claims["token_use"] == "access"
    assert claims["cognito:groups"] == ["contributors"]
    assert claims["client_id"] == client_id
    assert claims["iss"].endswith(pool_id)


def test_given_an_existing_user_with_another_password_when_issued_then_it_still_works(
    pool: Any,
) -> None:
    cognito, pool_id, client_id = pool
    token.issue_token(cognito, pool_id, client_id, "tok-bob", "contributors", "Other-Passw0rd!")
    issued = token.issue_token(cognito, pool_id, client_id, "tok-bob", "admins",
                               token.DEFAULT_PASSWORD)
    assert sorted(_claims(issued)["cognito:groups"]) == ["admins", "contributors"]


def test_given_group_none_when_issued_then_the_user_is_in_no_group(pool: Any) -> None:
    cognito, pool_id, client_id = pool
    token.issue_token(cognito, pool_id, client_id, "tok-vera", "admins", token.DEFAULT_PASSWORD)
    issued = token.issue_token(cognito, pool_id, client_id, "tok-vera", "none",
                               token.DEFAULT_PASSWORD)
    claims = _claims(issued)
    assert claims["token_use"] == "access" and not claims.get("cognito:groups")


def test_given_pools_by_email_when_naming_users_then_plain_names_get_a_test_domain() -> None:
    assert token.username_for({"UsernameAttributes": ["email"]}, "alice") == "alice@example.test"
    assert token.username_for({}, "alice") == "alice"


def test_given_no_stack_when_asking_for_a_token_then_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    assert token.main(["--user", "alice", "--data-dir", str(tmp_path)]) == 2
    assert "make run" in capsys.readouterr().err
    # a stack.json left by a stack that is gone is no better
    write_stack(tmp_path, free_port(), free_port(), {
        "COGNITO_USER_POOL_ID": "us-east-1_x", "COGNITO_APP_CLIENT_IDS": "c"}, {})
    assert token.main(["--user", "alice", "--data-dir", str(tmp_path)]) == 2
    assert "not running" in capsys.readouterr().err

"""`make token`: sign a user up in the local pool, put them in a group, print an access token."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError, EndpointConnectionError

from chalicelib.domain.model import ADMINS, CONTRIBUTORS
from infra.local.clients import client, error_code
from infra.local.settings import read_stack

# Local only: moto's pool, never a real one. Meets the template's password policy.
DEFAULT_PASSWORD = "Local-Passw0rd!"
NO_GROUP = ("", "none")


class StackNotRunning(RuntimeError):
    """No local stack answers where we looked."""


def _locate(data_dir: Path, port: int | None, moto_port: int | None) -> tuple[str, str, str]:
    """(moto endpoint, pool id, app client id) of the running stack."""
    stack = read_stack(data_dir)
    if stack is not None and port in (None, stack["port"]):
        env = stack["env"]
        return stack["moto_endpoint"], env["COGNITO_USER_POOL_ID"], \
            env["COGNITO_APP_CLIENT_IDS"].split(",")[0]
    if port is None:
        raise StackNotRunning(f"no {data_dir}/stack.json: start the stack with `make run`")
    endpoint = f"http://127.0.0.1:{moto_port or port + 1}"
    cognito = client("cognito-idp", endpoint)
    pools = _call(endpoint, cognito.list_user_pools, MaxResults=60)["UserPools"]
    if len(pools) != 1:
        raise StackNotRunning(f"expected one user pool at {endpoint}, found {len(pools)}")
    clients = cognito.list_user_pool_clients(UserPoolId=pools[0]["Id"], MaxResults=60)
    return endpoint, pools[0]["Id"], clients["UserPoolClients"][0]["ClientId"]


def _call(endpoint: str, method: Any, **kwargs: Any) -> Any:
    try:
        return method(**kwargs)
    except EndpointConnectionError as exc:
        raise StackNotRunning(f"the local stack is not running ({endpoint} does not answer):"
                              " start it with `make run`") from exc


def username_for(pool: dict[str, Any], user: str) -> str:
    """Pools that sign in by email get `<user>@example.test`; ours take plain usernames."""
    if "email" in pool.get("UsernameAttributes", []) and "@" not in user:
        return f"{user}@example.test"
    return user


def _set_group(cognito: Any, pool_id: str, username: str, group: str) -> None:
    """Add the user to `group`; `none` means a signed-in user in no group at all."""
    if group.lower() not in NO_GROUP:
        cognito.admin_add_user_to_group(UserPoolId=pool_id, Username=username, GroupName=group)
        return
    listed = cognito.admin_list_groups_for_user(UserPoolId=pool_id, Username=username)
    for member_of in listed["Groups"]:
        cognito.admin_remove_user_from_group(
            UserPoolId=pool_id, Username=username, GroupName=member_of["GroupName"])


def issue_token(
    cognito: Any, pool_id: str, client_id: str, user: str, group: str, password: str
) -> str:
    """Make sure `user` exists, is confirmed, has `password` and `group`; return an access token."""
    pool = cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    username = username_for(pool, user)
    email = username if "@" in username else f"{username}@example.test"
    try:
        cognito.admin_get_user(UserPoolId=pool_id, Username=username)
    except ClientError as exc:
        if error_code(exc) != "UserNotFoundException":
            raise
        cognito.sign_up(ClientId=client_id, Username=username, Password=password,
                        UserAttributes=[{"Name": "email", "Value": email},
                                        {"Name": "name", "Value": user.partition("@")[0]}])
        cognito.admin_confirm_sign_up(UserPoolId=pool_id, Username=username)
    # Someone may have changed it: a local token must not depend on remembering it.
    cognito.admin_set_user_password(
        UserPoolId=pool_id, Username=username, Password=password, Permanent=True
    )
    _set_group(cognito, pool_id, username, group)
    result = cognito.initiate_auth(
        ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )
    return str(result["AuthenticationResult"]["AccessToken"])


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m infra.local.token", description=__doc__)
    parser.add_argument("--user", required=True, help="user name, e.g. alice")
    parser.add_argument("--group", default=CONTRIBUTORS,
                        help=f"{CONTRIBUTORS}, {ADMINS}, or none (a user in no group)")
    parser.add_argument("--password", default=DEFAULT_PASSWORD,
                        help=f"local password (default {DEFAULT_PASSWORD})")
    parser.add_argument("--data-dir", type=Path, default=Path(".data"))
    parser.add_argument("--port", type=int, help="the stack's HTTP port, if not in stack.json")
    parser.add_argument("--moto-port", type=int, help="moto's port (default: port + 1)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Print a fresh access token as the last line of output."""
    args = _arguments(argv)
    try:
        endpoint, pool_id, client_id = _locate(args.data_dir, args.port, args.moto_port)
        cognito = client("cognito-idp", endpoint)
        _call(endpoint, cognito.describe_user_pool, UserPoolId=pool_id)
        token = issue_token(cognito, pool_id, client_id, args.user, args.group, args.password)
    except StackNotRunning as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ClientError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    # moto signs every access token for an hour; the template gives AWS ones 15 minutes.
    print(f"access token for {args.user} ({args.group}), valid about an hour (locally):",
          file=sys.stderr)
    print(token)
    return 0


if __name__ == "__main__":
    sys.exit(main())

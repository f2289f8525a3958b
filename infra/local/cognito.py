"""Cognito user pool, app client and groups, created from template properties."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from infra.local.clients import REGION, error_code
from infra.local.template import Created

if TYPE_CHECKING:
    from infra.local.resources import Clients, Options

# CloudFormation property -> CreateUserPool argument; properties not listed are not sent.
_POOL_ARGUMENTS = {
    "UserPoolName": "PoolName",
    "Policies": "Policies",
    "AutoVerifiedAttributes": "AutoVerifiedAttributes",
    "UsernameAttributes": "UsernameAttributes",
    "AliasAttributes": "AliasAttributes",
    "UsernameConfiguration": "UsernameConfiguration",
    "Schema": "Schema",
    "MfaConfiguration": "MfaConfiguration",
    "AccountRecoverySetting": "AccountRecoverySetting",
    "AdminCreateUserConfig": "AdminCreateUserConfig",
    "UserPoolTags": "UserPoolTags",
}
_CLIENT_ARGUMENTS = (
    "ClientName", "GenerateSecret", "ExplicitAuthFlows", "PreventUserExistenceErrors",
    "AccessTokenValidity", "IdTokenValidity", "RefreshTokenValidity", "TokenValidityUnits",
    "AllowedOAuthFlows", "AllowedOAuthScopes", "AllowedOAuthFlowsUserPoolClient",
    "CallbackURLs", "LogoutURLs", "SupportedIdentityProviders", "ReadAttributes",
    "WriteAttributes", "EnableTokenRevocation",
)


def _pages(call: Any, key: str, **kwargs: Any) -> Iterator[dict[str, Any]]:
    token: str | None = None
    while True:
        page = call(MaxResults=60, **({"NextToken": token} if token else {}), **kwargs)
        yield from page.get(key, [])
        token = page.get("NextToken")
        if not token:
            return


def find_pool_id(cognito: Any, name: str) -> str | None:
    """The id of the user pool called `name`, if there is one."""
    for pool in _pages(cognito.list_user_pools, "UserPools"):
        if pool["Name"] == name:
            return str(pool["Id"])
    return None


def create_user_pool(clients: Clients, props: dict[str, Any], options: Options) -> Created:
    """Create the user pool unless one with this name exists."""
    name = props["UserPoolName"]
    pool_id = find_pool_id(clients.cognito, name)
    if pool_id is None:
        arguments = {api: props[cfn] for cfn, api in _POOL_ARGUMENTS.items() if cfn in props}
        pool_id = clients.cognito.create_user_pool(**arguments)["UserPool"]["Id"]
    provider = f"cognito-idp.{REGION}.amazonaws.com/{pool_id}"
    arn = clients.cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"]["Arn"]
    return Created(
        ref=pool_id,
        attrs={"Arn": arn, "ProviderName": provider, "ProviderURL": f"https://{provider}",
               "UserPoolId": pool_id},
    )


def create_user_pool_client(clients: Clients, props: dict[str, Any], options: Options) -> Created:
    """Create the app client unless the pool has one with this name."""
    pool_id = props["UserPoolId"]
    listed = _pages(clients.cognito.list_user_pool_clients, "UserPoolClients", UserPoolId=pool_id)
    for existing in listed:
        if existing["ClientName"] == props["ClientName"]:
            return Created(ref=existing["ClientId"], attrs={"ClientId": existing["ClientId"]})
    arguments = {key: props[key] for key in _CLIENT_ARGUMENTS if key in props}
    made = clients.cognito.create_user_pool_client(UserPoolId=pool_id, **arguments)
    client_id = made["UserPoolClient"]["ClientId"]
    return Created(ref=client_id, attrs={"ClientId": client_id})


def create_group(clients: Clients, props: dict[str, Any], options: Options) -> Created:
    """Create the group unless it exists."""
    arguments = {k: props[k] for k in ("Description", "Precedence", "RoleArn") if k in props}
    try:
        clients.cognito.create_group(
            GroupName=props["GroupName"], UserPoolId=props["UserPoolId"], **arguments
        )
    except ClientError as exc:
        if error_code(exc) != "GroupExistsException":
            raise
    return Created(ref=props["GroupName"])

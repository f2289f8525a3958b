"""The shape of the web app's config.json, shared by the local stack and `make deploy`."""

from __future__ import annotations

API_BASE = "/api"


def web_config(
    region: str, user_pool_id: str, client_id: str, cognito_endpoint: str, environment: str
) -> dict[str, str]:
    """The one shape of config.json, for the local stack and the AWS deploy alike."""
    return {
        "apiBase": API_BASE,
        "region": region,
        "userPoolId": user_pool_id,
        "clientId": client_id,
        "cognitoEndpoint": cognito_endpoint,
        "environment": environment,
    }


def aws_web_config(region: str, user_pool_id: str, client_id: str) -> dict[str, str]:
    """config.json for a deployed stack: the browser talks to Cognito itself."""
    endpoint = f"https://cognito-idp.{region}.amazonaws.com/"
    return web_config(region, user_pool_id, client_id, endpoint, "aws")

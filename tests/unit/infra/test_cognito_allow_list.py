"""The local Cognito proxy forwards exactly the calls the web app makes: no more, no fewer."""

from __future__ import annotations

import re
from pathlib import Path

from infra.local.cognito_hook import ALLOWED_ACTIONS

WEB_JS = Path(__file__).resolve().parents[3] / "web" / "js"


def _actions_the_web_app_calls() -> set[str]:
    """Every `call('Action', ...)` in the web app's modules (auth.js holds them today)."""
    found: set[str] = set()
    for module in WEB_JS.rglob("*.js"):
        found.update(re.findall(r"\bcall\('([A-Za-z]+)'", module.read_text(encoding="utf-8")))
    return found


def test_the_allow_list_is_exactly_what_the_web_app_calls() -> None:
    called = _actions_the_web_app_calls()
    assert {"AssociateSoftwareToken", "VerifySoftwareToken", "SetUserMFAPreference",
            "GetUser"} <= called  # the authenticator set-up is found, so the scan works
    assert set(ALLOWED_ACTIONS) == called


def test_no_admin_or_pool_management_call_is_allowed() -> None:
    assert not [action for action in ALLOWED_ACTIONS
                if action.startswith("Admin") or "UserPool" in action or action.startswith("List")]

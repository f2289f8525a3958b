"""The web app lists the pool's password rules as the user types: they must be the template's."""

from __future__ import annotations

import json
import re
from pathlib import Path

from infra.local import template
from infra.local.password_reset import policy_failure

ROOT = Path(__file__).resolve().parents[3]
PASSWORD_JS = ROOT / "web" / "js" / "password.js"


def _template_policy() -> dict[str, object]:
    parsed = template.load(ROOT / "template.yaml")
    pool = next(r for r in parsed.resources if r.logical_id == "UserPool")
    return dict(pool.properties["Policies"]["PasswordPolicy"])


def _web_policy() -> dict[str, object]:
    found = re.search(r"export const PASSWORD_POLICY = (\{.+?\});",
                      PASSWORD_JS.read_text(encoding="utf-8"), re.S)
    assert found, "PASSWORD_POLICY is not declared in password.js"
    as_json = re.sub(r"(\w+):", r'"\1":', found.group(1))
    return dict(json.loads(re.sub(r",\s*}", "}", as_json)))


def test_the_web_app_s_password_rules_are_the_pool_s() -> None:
    assert _web_policy() == _template_policy()


def test_the_local_check_names_each_rule_the_way_cognito_does() -> None:
    policy = _template_policy()
    assert policy_failure(policy, "Short1a") is not None
    assert "uppercase" in str(policy_failure(policy, "lowercase123"))
    assert "lowercase" in str(policy_failure(policy, "UPPERCASE123"))
    assert "numeric" in str(policy_failure(policy, "NoDigitsHere"))
    assert policy_failure(policy, "Good-Passw0rd") is None

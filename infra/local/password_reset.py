"""Password reset on the local stack: what moto 5.2.5 does, and the two things it leaves out.

moto's ForgotPassword makes a code `moto-confirmation-code:NNNNNN` and hands it back in an HTTP
header (no e-mail); its ConfirmForgotPassword checks only codes with that prefix (any other code
is accepted), answers a wrong one with ExpiredCodeException, and never checks the new password
against the pool's policy. The hook prints the six digits in the stack's log (where a developer
reads them, as a user reads an e-mail), adds the prefix to what the user typed, answers a wrong
code as Cognito does (CodeMismatchException), and checks the policy itself.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

MOTO_CODE_HEADER = "x-moto-forgot-password-confirmation-code"
MOTO_CODE_PREFIX = "moto-confirmation-code:"
# Cognito's own words for a password the policy refuses (the web app names the rule itself).
POLICY_REFUSAL = "Password did not conform with policy: "


def typed_code(moto_code: str | None) -> str | None:
    """The digits a user would find in the e-mail, from moto's header; None without one
    (an unknown user: Cognito answers the same, so nobody learns who has an account)."""
    if not moto_code or moto_code == "None":
        return None
    return moto_code.removeprefix(MOTO_CODE_PREFIX)


def as_moto_code(typed: Any) -> str:
    """What the user typed, in the form moto checks (so a wrong code is refused)."""
    return MOTO_CODE_PREFIX + str(typed or "").strip()


def policy_failure(policy: Mapping[str, Any], password: str) -> str | None:
    """Cognito's message for the first rule of `policy` (a PasswordPolicy) that `password`
    breaks, or None when it keeps them all."""
    checks = (
        (len(password) >= int(policy.get("MinimumLength", 8)), "Password not long enough"),
        (not policy.get("RequireUppercase") or re.search(r"[A-Z]", password),
         "Password must have uppercase characters"),
        (not policy.get("RequireLowercase") or re.search(r"[a-z]", password),
         "Password must have lowercase characters"),
        (not policy.get("RequireNumbers") or re.search(r"[0-9]", password),
         "Password must have numeric characters"),
        (not policy.get("RequireSymbols") or re.search(r"[^A-Za-z0-9\s]", password),
         "Password must have symbol characters"),
    )
    for kept, words in checks:
        if not kept:
            return POLICY_REFUSAL + words
    return None

"""Use cases: the public display name a contributor is credited with on their photos."""

from __future__ import annotations

from collections.abc import Callable

from chalicelib.auth import Principal
from chalicelib.domain.display_names import DisplayName, parse_display_name
from chalicelib.domain.errors import Conflict, DomainError, InvalidInput
from chalicelib.ports import NameClaim, NameRegistry
from chalicelib.services.deps import Deps


def current_name(names: NameRegistry, principal: Principal) -> NameClaim | None:
    """The name the caller is credited with now, None before they chose one."""
    return names.current(principal.sub)


def set_display_name(deps: Deps, names: NameRegistry, principal: Principal,
                     raw: object) -> NameClaim:
    """Claim `raw` as the caller's public name (409 when another user holds it, 400 when it
    is reserved, malformed or one name too many)."""
    wanted = parse_display_name(raw, deps.site_name, deps.limits.display_name_reserved)
    return _claim(deps, names, principal, wanted)


def upload_credit(deps: Deps, names: NameRegistry, principal: Principal,
                  chosen_name: Callable[[], str]) -> str:
    """The chosen name an upload is credited with: the caller's claimed name; before they
    have one, the name they gave at sign-up (`chosen_name()`, asked only then) if they may
    claim it; else "" (the caller then uses the neutral credit)."""
    current = names.current(principal.sub)
    if current is not None:
        return current.shown
    chosen = chosen_name()
    if chosen:
        try:
            wanted = parse_display_name(chosen, deps.site_name,
                                        deps.limits.display_name_reserved)
            return _claim(deps, names, principal, wanted).shown
        except DomainError:
            pass  # reserved or taken: the upload goes on under the neutral name
    return ""


def _claim(deps: Deps, names: NameRegistry, principal: Principal,
           wanted: DisplayName) -> NameClaim:
    now = deps.now()
    outcome = names.claim(principal.sub, wanted.shown, wanted.key, now,
                          deps.limits.display_names_per_user)
    if outcome == "taken":
        raise Conflict("display_name_taken",
                       f"Another contributor already goes by “{wanted.shown}”: choose"
                       " another name.")
    if outcome == "too_many":
        limit = deps.limits.display_names_per_user
        raise InvalidInput("too_many_display_names",
                           f"You have used {limit} different public names, the most one"
                           " account may: pick one of the names you used before.")
    return NameClaim(wanted.shown, wanted.key, now)

"""Who is calling: the verified identity behind an access token."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.domain.model import ADMINS, CONTRIBUTORS


@dataclass(frozen=True)
class Principal:
    """A signed-in Cognito user, as proven by a verified access token."""

    sub: str
    username: str
    groups: frozenset[str] = frozenset()

    @property
    def is_admin(self) -> bool:
        """True for members of the admins group."""
        return ADMINS in self.groups

    @property
    def is_contributor(self) -> bool:
        """True for anyone allowed to upload: contributors, and admins too."""
        return CONTRIBUTORS in self.groups or self.is_admin

"""Moderation: who is held for review, what a report and a decision are (stdlib only)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.text import valid_text


class Mode(StrEnum):
    """MODERATION: which finished photos wait for an admin before they go public."""

    OFF = "off"
    NEW_CONTRIBUTORS = "new_contributors"
    ALL = "all"


class ReviewReason(StrEnum):
    """Why an image is in review (an image may have several)."""

    NEW_CONTRIBUTOR = "new_contributor"
    POSSIBLE_DUPLICATE = "possible_duplicate"
    REPORTED = "reported"
    ALL_REVIEWED = "all_reviewed"  # MODERATION=all: every photo is reviewed


REPORT_REASONS = ("copyright", "offensive", "spam", "other")
DECISIONS = ("approve", "reject")
MODERATION_REASON = "moderation"  # the `reason` of an image an admin rejected


@dataclass(frozen=True)
class ModerationPolicy:
    """The moderation settings (MODERATION, MODERATION_NEW_CONTRIBUTOR_PHOTOS,
    REVIEW_REPORT_THRESHOLD, REPORT_NOTE_CHARS, DECISION_NOTE_CHARS)."""

    mode: Mode = Mode.OFF
    new_contributor_photos: int = 5
    report_threshold: int = 3
    report_note_chars: int = 500
    decision_note_chars: int = 1000


def needs_owner_history(policy: ModerationPolicy, owner_is_admin: bool) -> bool:
    """Whether the hold rule needs to know how many photos the owner already published."""
    return policy.mode is Mode.NEW_CONTRIBUTORS and not owner_is_admin


def hold_reasons(
    policy: ModerationPolicy, owner_is_admin: bool, published_before: int,
    possible_duplicate_of: str = "",
) -> tuple[ReviewReason, ...]:
    """Why a finished photo must wait for review (empty: it goes ready). Admins' photos are
    never held; a possible duplicate of another contributor's photo always is."""
    if owner_is_admin:
        return ()
    reasons: list[ReviewReason] = []
    if policy.mode is Mode.ALL:
        reasons.append(ReviewReason.ALL_REVIEWED)
    elif policy.mode is Mode.NEW_CONTRIBUTORS and published_before < policy.new_contributor_photos:
        reasons.append(ReviewReason.NEW_CONTRIBUTOR)
    if possible_duplicate_of:
        reasons.append(ReviewReason.POSSIBLE_DUPLICATE)
    return tuple(reasons)


@dataclass(frozen=True)
class Report:
    """One person's report of a ready photo (one per person per image, ever)."""

    reporter: str
    reason: str
    note: str
    at: str

    def as_json(self) -> dict[str, Any]:
        """The stored form (one entry of the image's list of reports)."""
        return {"by": self.reporter, "reason": self.reason, "note": self.note, "at": self.at}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Report:
        """A report back from `as_json`."""
        return cls(str(data["by"]), str(data["reason"]), str(data.get("note") or ""),
                   str(data["at"]))


@dataclass(frozen=True)
class Decision:
    """An admin's review decision: who, when, what, their words, and why it was in review."""

    by: str
    at: str
    decision: str
    note: str
    reasons: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        """The stored form (one entry of the image's list of decisions)."""
        return {"by": self.by, "at": self.at, "decision": self.decision, "note": self.note,
                "reasons": list(self.reasons)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Decision:
        """A decision back from `as_json`."""
        return cls(str(data["by"]), str(data["at"]), str(data["decision"]),
                   str(data.get("note") or ""), tuple(str(r) for r in data.get("reasons") or ()))


def parse_report(body: Any, policy: ModerationPolicy) -> tuple[str, str]:
    """(reason, note) of a report request; 400 invalid_reason / invalid_note otherwise."""
    if not isinstance(body, dict) or body.get("reason") not in REPORT_REASONS:
        raise InvalidInput("invalid_reason", f"reason must be one of {', '.join(REPORT_REASONS)}.")
    return body["reason"], _note(body.get("note"), policy.report_note_chars, "invalid_note")


def parse_decision(body: Any, policy: ModerationPolicy) -> tuple[str, str]:
    """(decision, note) of a review request; 400 invalid_decision / invalid_note otherwise."""
    if not isinstance(body, dict) or body.get("decision") not in DECISIONS:
        raise InvalidInput("invalid_decision", 'decision must be "approve" or "reject".')
    if body["decision"] == "reject":
        return "reject", _rejection_reason(body.get("reason"), policy.decision_note_chars)
    reason = _note(body.get("reason"), policy.decision_note_chars, "invalid_note", "reason")
    return body["decision"], reason


def _rejection_reason(raw: Any, limit: int) -> str:
    """The words a rejection owes its owner: 1..DECISION_NOTE_CHARS characters once trimmed;
    400 reason_required otherwise (the owner must never see a bare "rejected")."""
    words = valid_text(raw, "reason").strip() if isinstance(raw, str) else ""
    if not 1 <= len(words) <= limit:
        raise InvalidInput(
            "reason_required",
            f"Say why the photo is rejected, in 1 to {limit} characters: the owner reads it.",
        )
    return words


def _note(raw: Any, limit: int, code: str, field: str = "note") -> str:
    if raw is None:
        return ""
    if not isinstance(raw, str) or len(raw.strip()) > limit:
        raise InvalidInput(code, f"The {field} must be text of at most {limit} characters.")
    return valid_text(raw, field).strip()

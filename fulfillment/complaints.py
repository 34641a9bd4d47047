"""Complaints (ONDC IGM 1.0.0 issues): categories, lifecycle, timelines and sanctions (pure, no I/O).

A complaint moves OPEN → PROCESSING → RESOLVED → CLOSED; staff may also ask for more information
(NEED-MORE-INFO keeps it PROCESSING). An upheld overcharging complaint suspends the worker; the
second upheld one bans her. See docs/complaints.md for the protocol choices.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Final

from catalog.formats import money, timestamp
from schemas.errors import BUSINESS_ERROR
from schemas.refusal import Refusal

IGM_VERSION: Final = "1.0.0"
RESPONSE_WINDOW: Final = timedelta(hours=1)
RESOLUTION_WINDOW: Final = timedelta(days=1)


class Kind(StrEnum):
    """Seva Mitra's own complaint kinds; staff act on these, the network sees IGM codes."""

    OVERCHARGING = "overcharging"  # asked for more than the fixed fee
    NO_SHOW = "no_show"
    QUALITY = "quality"
    CONDUCT = "conduct"
    OTHER = "other"


class Status(StrEnum):
    OPEN = "OPEN"
    PROCESSING = "PROCESSING"
    RESOLVED = "RESOLVED"
    CLOSED = "CLOSED"


class RespondentAction(StrEnum):
    PROCESSING = "PROCESSING"
    NEED_MORE_INFO = "NEED-MORE-INFO"
    RESOLVED = "RESOLVED"


class ActionTriggered(StrEnum):
    """IGM 1.0.0 `resolution.action_triggered`."""

    REFUND = "REFUND"
    REPLACEMENT = "REPLACEMENT"
    CANCEL = "CANCEL"
    NO_ACTION = "NO-ACTION"


class Sanction(StrEnum):
    NONE = "none"
    SUSPEND = "suspend"
    BAN = "ban"


# IGM 1.0.0 (category, sub_category) -> kind. Seva Mitra extension sub-categories (SM-*) let a buyer
# app or the helpline name our kinds exactly; the IGM retail codes are mapped to their nearest kind.
IGM_KINDS: Final[Mapping[tuple[str, str], Kind]] = {
    ("ORDER", "SM-OVERCHARGE"): Kind.OVERCHARGING,
    ("FULFILLMENT", "SM-NOSHOW"): Kind.NO_SHOW,
    ("FULFILLMENT", "SM-QUALITY"): Kind.QUALITY,
    ("FULFILLMENT", "SM-CONDUCT"): Kind.CONDUCT,
    ("ORDER", "ORD01"): Kind.NO_SHOW,  # order not received: the service never happened
    ("ORDER", "ORD02"): Kind.QUALITY,  # quality issue
    ("AGENT", "AGT01"): Kind.CONDUCT,  # agent behavioural issue
    ("PAYMENT", "PMT03"): Kind.OVERCHARGING,  # buyer paid more than due
}
KIND_IGM_CODES: Final[Mapping[Kind, tuple[str, str]]] = {
    Kind.OVERCHARGING: ("ORDER", "SM-OVERCHARGE"),
    Kind.NO_SHOW: ("FULFILLMENT", "SM-NOSHOW"),
    Kind.QUALITY: ("FULFILLMENT", "SM-QUALITY"),
    Kind.CONDUCT: ("FULFILLMENT", "SM-CONDUCT"),
    Kind.OTHER: ("ORDER", "SM-OTHER"),
}
IGM_CATEGORIES: Final = frozenset({"ORDER", "ITEM", "FULFILLMENT", "AGENT", "PAYMENT", "TRANSACTION"})


def classify(category: str, sub_category: str | None) -> Kind:
    """The Seva Mitra kind of an IGM issue; OTHER (staff triage) when no exact mapping exists."""
    return IGM_KINDS.get((category.upper(), (sub_category or "").upper()), Kind.OTHER)


@dataclass(frozen=True, slots=True)
class Timeline:
    """When the complaint must be answered and resolved."""

    respond_by: datetime
    resolve_by: datetime


def timeline(created_at: datetime) -> Timeline:
    """The deadlines of a complaint filed at `created_at`: first response PT1H, resolution P1D."""
    return Timeline(respond_by=created_at + RESPONSE_WINDOW, resolve_by=created_at + RESOLUTION_WINDOW)


def overdue_flags(
    deadlines: Timeline, responded_at: datetime | None, resolved_at: datetime | None, now: datetime
) -> list[str]:
    """Which deadlines are missed: `response` and/or `resolution` (late answers stay flagged)."""
    flags: list[str] = []
    if (responded_at or now) > deadlines.respond_by:
        flags.append("response")
    if (resolved_at or now) > deadlines.resolve_by:
        flags.append("resolution")
    return flags


_NEXT: Final[Mapping[tuple[Status, RespondentAction], Status]] = {
    (Status.OPEN, RespondentAction.PROCESSING): Status.PROCESSING,
    (Status.OPEN, RespondentAction.NEED_MORE_INFO): Status.PROCESSING,
    (Status.PROCESSING, RespondentAction.PROCESSING): Status.PROCESSING,
    (Status.PROCESSING, RespondentAction.NEED_MORE_INFO): Status.PROCESSING,
    (Status.OPEN, RespondentAction.RESOLVED): Status.RESOLVED,
    (Status.PROCESSING, RespondentAction.RESOLVED): Status.RESOLVED,
}


# Staff meet these refusals in the console, so they carry Hindi: what to do is the same for each of them.
_REFUSED_HI: Final = "यह कार्रवाई इस शिकायत की वर्तमान स्थिति में संभव नहीं है। सूची फिर से खोलें।"


def _refusal(message: str) -> Refusal:
    return Refusal(BUSINESS_ERROR.code, message, message_hi=_REFUSED_HI)


def respond(status: str, action: RespondentAction) -> Status:
    """The status after staff take `action`; a resolved or closed complaint takes no more answers."""
    try:
        return _NEXT[(Status(status), action)]
    except KeyError:
        raise _refusal(f"the complaint is already {status}; it cannot take the action {action.value}") from None


@dataclass(frozen=True, slots=True)
class Resolution:
    """Staff's decision: upheld or not, what was done, and the refund when there is one."""

    upheld: bool
    short_desc: str
    action_triggered: ActionTriggered
    refund_amount: Decimal | None = None
    long_desc: str | None = None

    def __post_init__(self) -> None:
        if not self.short_desc.strip():
            raise _refusal("a resolution needs a short description of what was decided")
        if (self.action_triggered is ActionTriggered.REFUND) != (self.refund_amount is not None):
            raise _refusal("give a refund amount exactly when the action is REFUND")
        if self.refund_amount is not None and self.refund_amount <= 0:
            raise _refusal("the refund amount must be more than zero")


def sanction_for(kind: str, upheld: bool, earlier_upheld_overcharging: int) -> Sanction:
    """Overcharging upheld: the first time suspends the worker, any later time bans her."""
    if not upheld or Kind(kind) is not Kind.OVERCHARGING:
        return Sanction.NONE
    return Sanction.SUSPEND if earlier_upheld_overcharging == 0 else Sanction.BAN


# --- IGM 1.0.0 wire shapes ----------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Respondent:
    """Who answers complaints for this seller app (the IGM respondent and its grievance officer)."""

    org_name: str  # "<bpp_id>::<domain>", as IGM 1.0.0 names an organisation
    person_name: str
    phone: str
    email: str

    def updated_by(self) -> dict[str, object]:
        return {
            "org": {"name": self.org_name},
            "contact": {"phone": self.phone, "email": self.email},
            "person": {"name": self.person_name},
        }


@dataclass(frozen=True, slots=True)
class ActionRecord:
    """One respondent action as stored: what was done, said, and when."""

    action: RespondentAction
    short_desc: str
    at: datetime


def igm_context(
    base: Mapping[str, str], action: str, message_id: str, *, bpp_id: str, bpp_uri: str, now: datetime,
    ttl: str = "PT30S",
) -> dict[str, str]:
    """An IGM 1.0.0 callback context (Beckn 1.0 shape: city, country and core_version at the top)."""
    return {
        "domain": base["domain"],
        "country": base.get("country") or "IND",
        "city": base["city"],
        "action": action,
        "core_version": IGM_VERSION,
        "bap_id": base["bap_id"],
        "bap_uri": base["bap_uri"],
        "bpp_id": bpp_id,
        "bpp_uri": bpp_uri,
        "transaction_id": base["transaction_id"],
        "message_id": message_id,
        "timestamp": timestamp(now),
        "ttl": ttl,
    }


def _respondent_actions(actions: list[ActionRecord], respondent: Respondent) -> list[dict[str, object]]:
    return [
        {
            "respondent_action": record.action.value,
            "short_desc": record.short_desc,
            "updated_at": timestamp(record.at),
            "updated_by": respondent.updated_by(),
            "cascaded_level": 1,
        }
        for record in actions
    ]


def on_issue_message(
    issue_id: str, created_at: datetime, actions: list[ActionRecord], respondent: Respondent
) -> dict[str, object]:
    """The `message` of on_issue: the issue id and what the respondent has done so far."""
    return {
        "issue": {
            "id": issue_id,
            "issue_actions": {"respondent_actions": _respondent_actions(actions, respondent)},
            "created_at": timestamp(created_at),
            "updated_at": timestamp(actions[-1].at if actions else created_at),
        }
    }


def on_issue_status_message(
    issue_id: str,
    created_at: datetime,
    actions: list[ActionRecord],
    respondent: Respondent,
    resolution: Resolution | None,
) -> dict[str, object]:
    """The `message` of on_issue_status: actions, who resolves, and the resolution once there is one."""
    message = on_issue_message(issue_id, created_at, actions, respondent)
    issue: dict[str, object] = message["issue"]  # type: ignore[assignment]
    issue["resolution_provider"] = {
        "respondent_info": {
            "type": "TRANSACTION-COUNTERPARTY-NP",
            "organization": respondent.updated_by(),
            "resolution_support": {
                "contact": {"phone": respondent.phone, "email": respondent.email},
                "gros": [
                    {
                        "person": {"name": respondent.person_name},
                        "contact": {"phone": respondent.phone, "email": respondent.email},
                        "gro_type": "TRANSACTION-COUNTERPARTY-NP-GRO",
                    }
                ],
            },
        }
    }
    if resolution is not None:
        wire: dict[str, object] = {
            "short_desc": resolution.short_desc,
            "action_triggered": resolution.action_triggered.value,
        }
        if resolution.long_desc:
            wire["long_desc"] = resolution.long_desc
        if resolution.refund_amount is not None:
            wire["refund_amount"] = money(resolution.refund_amount)
        issue["resolution"] = wire
    return message

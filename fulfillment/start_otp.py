"""How long the customer's start OTP can be used (pure rule, no I/O).

The OTP is sent to the buyer app with `valid_from`/`valid_to` (SRV: the end stop's `authorization`),
so the window is a rule we keep, not just a label: a worker who tries it later is told to ask for a
new one. Fifteen minutes leaves room for a customer who has to find the message; a lost or expired
OTP is replaced from the worker app in one tap. Five wrong tries use an OTP up (guessing four digits
would otherwise take minutes); a new one starts the count again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

OTP_VALIDITY: Final = timedelta(minutes=15)
MAX_OTP_ATTEMPTS: Final = 5


def otp_valid_to(issued_at: datetime) -> datetime:
    """The last moment an OTP issued at `issued_at` starts the service."""
    return issued_at + OTP_VALIDITY


def otp_expired(issued_at: datetime, now: datetime) -> bool:
    return now > otp_valid_to(issued_at)


class OtpStatus(StrEnum):
    """Where the order's start OTP stands, for staff (who never see the OTP itself)."""

    NOT_ISSUED = "not_issued"  # the worker has not marked herself arrived
    VALID = "valid"  # issued, may still start the service
    EXPIRED = "expired"  # issued too long ago, or the order ended unstarted: the worker must ask for a new one
    LOCKED = "locked"  # used up by wrong tries
    USED = "used"  # the customer's OTP started the service


@dataclass(frozen=True, slots=True)
class OtpState:
    status: OtpStatus
    issued_at: datetime | None
    valid_to: datetime | None
    wrong_tries: int
    tries_left: int


def otp_state(*, held: bool, wrong_tries: int, issued_at: datetime | None, started: bool, ended: bool,
              now: datetime) -> OtpState:
    """The state of an order's start OTP: `held` whether its hash is kept (it is dropped once used), `started`
    whether the service started, `ended` whether the order is over; `issued_at` the latest issue, if any."""
    valid_to = otp_valid_to(issued_at) if issued_at is not None else None
    if started and issued_at is not None:
        status = OtpStatus.USED
    elif not held:
        status = OtpStatus.NOT_ISSUED
    elif wrong_tries >= MAX_OTP_ATTEMPTS:
        status = OtpStatus.LOCKED
    elif ended or issued_at is None or otp_expired(issued_at, now):
        status = OtpStatus.EXPIRED
    else:
        status = OtpStatus.VALID
    return OtpState(status, issued_at, valid_to, wrong_tries, max(MAX_OTP_ATTEMPTS - wrong_tries, 0))

"""How long the customer's start OTP can be used (pure rule, no I/O).

The OTP is sent to the buyer app with `valid_from`/`valid_to` (SRV: the end stop's `authorization`),
so the window is a rule we keep, not just a label: a worker who tries it later is told to ask for a
new one. Fifteen minutes leaves room for a customer who has to find the message; a lost or expired
OTP is replaced from the worker app in one tap. Five wrong tries use an OTP up (guessing four digits
would otherwise take minutes); a new one starts the count again.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

OTP_VALIDITY: Final = timedelta(minutes=15)
MAX_OTP_ATTEMPTS: Final = 5


def otp_valid_to(issued_at: datetime) -> datetime:
    """The last moment an OTP issued at `issued_at` starts the service."""
    return issued_at + OTP_VALIDITY


def otp_expired(issued_at: datetime, now: datetime) -> bool:
    return now > otp_valid_to(issued_at)

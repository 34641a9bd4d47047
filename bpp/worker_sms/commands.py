"""What a worker's SMS says: a command word (Hindi in Latin letters, or English), the job's code, and for a start
the customer's OTP. Case, extra spaces and a trailing full stop do not matter; anything else is not understood."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Step(StrEnum):
    ACCEPT = "accept"
    DECLINE = "decline"
    ARRIVE = "arrive"
    START = "start"
    COMPLETE = "complete"


WORDS: dict[str, Step] = {
    "HAAN": Step.ACCEPT, "HAN": Step.ACCEPT, "YES": Step.ACCEPT,
    "NA": Step.DECLINE, "NAHI": Step.DECLINE, "NO": Step.DECLINE,
    "PAHUNCHA": Step.ARRIVE, "PAHUNCHI": Step.ARRIVE, "ARRIVED": Step.ARRIVE,
    "SHURU": Step.START, "START": Step.START,
    "HOGAYA": Step.COMPLETE, "DONE": Step.COMPLETE,
}
_COMMAND = re.compile(r"(?P<word>[A-Z]+(?: GAYA)?) (?P<code>[0-9]{1,12})(?: (?P<otp>[0-9]{4}))?")


@dataclass(frozen=True, slots=True)
class Command:
    step: Step
    code: int  # the offer's number, as our SMS gave it
    otp: str | None = None  # only with START


def read_command(text: str) -> Command | None:
    """The command in `text`, or None when it is none (an OTP only with a start, and a start only with one)."""
    words = " ".join(text.upper().replace(".", " ").split())
    match = _COMMAND.fullmatch(words)
    if match is None:
        return None
    step = WORDS.get(match["word"].replace(" ", ""))
    otp = match["otp"]
    if step is None or (step is Step.START) != (otp is not None):
        return None
    return Command(step, int(match["code"]), otp)

"""What the IGM handlers need: the complaint office (settings, clock, outbox) and a unit of work."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bpp.complaints.desk import ComplaintOffice
from bpp.orders.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class ComplaintDeps:
    """The complaint handlers' dependencies, built once by the composition root (`bpp/wiring/services.py`)."""

    office: ComplaintOffice
    unit_of_work: Callable[[], UnitOfWork]  # its `orders` finds the order a complaint is about

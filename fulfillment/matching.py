"""Matching rules free of I/O: who is offered an order next, and the per-category radius."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Candidate:
    """A worker found near the customer, with her distance in km."""

    worker_id: str
    distance_km: float


def radius_for(category_id: str, default_km: float, overrides: Mapping[str, float]) -> float:
    """The matching radius of a category: its own setting, else the provider default."""
    return overrides.get(category_id, default_km)


def offer_order(
    candidates: Iterable[Candidate], excluded: Iterable[str], radius_km: float, preferred: Collection[str] = ()
) -> list[Candidate]:
    """Candidates to try, nearest first, without workers who already declined or let it expire; `preferred` workers
    (who did the booking's earlier visits) come before the others, nearest first among them too."""
    skip = set(excluded)
    eligible = [c for c in candidates if c.worker_id not in skip and c.distance_km <= radius_km]
    return sorted(eligible, key=lambda c: (c.worker_id not in preferred, c.distance_km, c.worker_id))

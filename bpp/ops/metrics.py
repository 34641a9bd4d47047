"""The BPP's Prometheus metrics (prometheus-client's default registry), served at `/metrics`.

Each `serve` or `dispatcher` process exposes its own figures; Prometheus scrapes every process and sums them
(see docs/operations.md). Histogram buckets span the ACK path (sub-millisecond steps) up to slow callbacks.
"""

from __future__ import annotations

from typing import Final

from prometheus_client import Counter, Gauge, Histogram

_FAST: Final = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
_SLOW: Final = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)

PIPELINE_STEP_SECONDS: Final = Histogram(
    "sevamitra_pipeline_step_seconds", "Time in one step of the inbound pipeline (before the ACK)",
    ["step"], buckets=_FAST,
)
INBOUND_SECONDS: Final = Histogram(
    "sevamitra_inbound_seconds", "Time from request to ACK or NACK, per action", ["action", "answer"],
    buckets=_FAST,
)
HANDLER_SECONDS: Final = Histogram(
    "sevamitra_handler_seconds", "Time a handler took after the ACK, per action and outcome",
    ["action", "outcome"], buckets=_SLOW,
)
CALLBACKS: Final = Counter(
    "sevamitra_callbacks", "Callback delivery attempts by outcome (delivered, retried, expired)",
    ["action", "outcome"],
)
SMS: Final = Counter("sevamitra_sms", "SMS send attempts by outcome (sent, retried, failed)", ["outcome"])
OUTBOX_PENDING: Final = Gauge("sevamitra_outbox_pending", "Callbacks waiting in the outbox (read at scrape time)")
OUTBOX_OLDEST_SECONDS: Final = Gauge(
    "sevamitra_outbox_oldest_seconds", "Age of the oldest callback waiting in the outbox (read at scrape time)",
)
OFFERS: Final = Counter("sevamitra_offers", "Job offers to workers by outcome (sent, accepted, declined, "
                        "timed_out)", ["outcome"])
MATCHING_SECONDS: Final = Histogram(
    "sevamitra_matching_seconds", "Time from a confirmed order to a worker accepting it", buckets=_SLOW,
)
SETTLEMENTS: Final = Counter("sevamitra_settlements", "Journal entries posted, by kind", ["kind"])


def callback_outcome(action: str, outcome: str) -> None:
    """Count one delivery attempt of a callback."""
    CALLBACKS.labels(action, outcome).inc()

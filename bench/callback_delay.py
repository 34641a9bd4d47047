"""Callback delay of select/init/confirm on the demo data: from our request to the BPP's signed on_* answer.

Runs `serve --demo` and plays whole orders with the bundled buyer-app simulator. The baseline, measured in the
same run, is the round trip of the synchronous ACK of the same requests; the ratio says how much the
asynchronous answer adds on top of it.

    python bench/callback_delay.py [--orders 20]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bpp.demo.registry import TOKEN_FILE, read_published_token  # noqa: E402
from bpp.simulator.buyer import BuyerApp, free_port  # noqa: E402
from bpp.simulator.journey import Journey  # noqa: E402

ACTIONS = ("select", "init", "confirm")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def play(bpp: str, orders: int, registry_token: str | None) -> tuple[dict[str, list[float]], list[float]]:
    buyer = BuyerApp(registry_url=bpp, registry_token=registry_token)
    await buyer.start()
    delays: dict[str, list[float]] = {action: [] for action in ACTIONS}
    acks: list[float] = []
    original_post = buyer.post

    async def timed_post(url: str, body: dict, headers: dict | None = None):  # type: ignore[no-untyped-def]
        started = time.monotonic()
        sent = await original_post(url, body, headers)
        acks.append((time.monotonic() - started) * 1000)
        return sent

    buyer.post = timed_post  # type: ignore[method-assign]
    try:
        for _ in range(orders):
            journey = Journey(buyer, f"{bpp}/ondc", completion_timeout=60)
            await journey.run()
            for sent_action in ACTIONS:
                sent = [c for c in buyer.callbacks if c.action == f"on_{sent_action}"
                        and c.context.get("transaction_id") == journey.transaction_id]
                request = next(s for s in journey.sent if s.action == sent_action)
                delays[sent_action].append((sent[0].received_at - request.sent_at) * 1000)
    finally:
        await buyer.stop()
    return delays, acks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=20)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="sm-delay-")
    port = free_port()
    env = {**os.environ, "SEVAMITRA_DATABASE_URL": f"sqlite+aiosqlite:///{work}/bpp.db",
           "SEVAMITRA_DEMO_STEP_SECONDS": "0.05", "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen([sys.executable, "-m", "bpp", "serve", "--demo", "--port", str(port)], env=env,
                              cwd=work, stdout=subprocess.DEVNULL)
    bpp = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                httpx.get(f"{bpp}/readyz", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        delays, acks = asyncio.run(play(bpp, args.orders, read_published_token(Path(work) / TOKEN_FILE)))
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=15)
    ack_p95 = percentile(acks, 0.95)
    print(f"{args.orders} whole orders on the demo data (serve --demo, SQLite + in-process Redis)")
    print(f"baseline: synchronous ACK round trip  p50 {statistics.median(acks):6.1f} ms  p95 {ack_p95:6.1f} ms")
    for action in ACTIONS:
        values = delays[action]
        p95 = percentile(values, 0.95)
        print(f"on_{action:<8} delay  p50 {statistics.median(values):6.1f} ms  p95 {p95:6.1f} ms  "
              f"(p95 ratio to ACK p95: {p95 / ack_p95:4.1f}; target p95 ≤ 1000 ms)")


if __name__ == "__main__":
    main()

"""`simulate`: play a buyer app through a whole order against a running BPP and print each step."""

from __future__ import annotations

import argparse
import asyncio
import sys
from urllib.parse import urlsplit

import httpx

from bpp.demo.registry import TOKEN_FILE, read_published_token
from bpp.simulator.buyer import BuyerApp
from bpp.simulator.engagement import EngagementJourney
from bpp.simulator.journey import Journey, JourneyFailed, Step


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "simulate", help="play a buyer app through a whole order",
        description="Search, select, init, confirm, follow the order to Completed and ask its status, as an ONDC "
        "buyer app with its own keys. Every callback's signature and SRV 2.0.0 schema are checked. Exits 1 on "
        "any failure.",
    )
    parser.add_argument("--bpp", default="http://127.0.0.1:8000/ondc",
                        help="the BPP's subscriber URL (default http://127.0.0.1:8000/ondc)")
    parser.add_argument("--registry", default=None,
                        help="registry URL (default: the demo registry of the BPP's host)")
    parser.add_argument("--registry-token", default=None,
                        help=f"the demo registry's /subscribe token (default: read from {TOKEN_FILE}, which "
                        "`serve --demo` writes in the folder it runs in)")
    parser.add_argument("--category", default="SRV11-*", help="category id or prefix to search (default SRV11-*)")
    parser.add_argument("--gps", default="26.8467,80.9462", help="where the service is needed (default Hazratganj)")
    parser.add_argument("--prepaid", action="store_true", help="pay through the buyer app (PRE-FULFILLMENT)")
    parser.add_argument("--engagement", action="store_true",
                        help="book an engagement item (a month of scheduled visits) instead of one visit, wait for "
                        "its steady worker, then pause, resume and end it with notice")
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds to wait for completion (default 180)")
    parser.set_defaults(func=run)


def _print_step(step: Step) -> None:
    mark = "ok  " if step.ok else "FAIL"
    print(f"{mark} {step.name:<22} {step.millis:8.0f} ms  {step.detail}", flush=True)


def run(args: argparse.Namespace) -> int:
    parts = urlsplit(args.bpp)
    registry = args.registry or f"{parts.scheme}://{parts.netloc}"
    print(f"{'':4} {'step':<22} {'time':>11}  result")
    try:
        return asyncio.run(_play(args, registry))
    except (httpx.HTTPError, OSError) as exc:
        print(f"FAIL cannot reach the BPP or registry: {exc}. Is `sevamitra-bpp serve --demo` running?",
              file=sys.stderr)
        return 1


async def _play(args: argparse.Namespace, registry: str) -> int:
    buyer = BuyerApp(registry_url=registry, registry_token=args.registry_token or read_published_token())
    await buyer.start()
    kind = EngagementJourney if args.engagement else Journey
    category = "SM-1000" if args.engagement and args.category == "SRV11-*" else args.category
    journey = kind(buyer, args.bpp.rstrip("/"), category=category, end_gps=args.gps,
                      payment_type="PRE-FULFILLMENT" if args.prepaid else "ON-FULFILLMENT",
                      completion_timeout=args.timeout, report=_print_step)
    try:
        order = await journey.run()
    except (JourneyFailed, TimeoutError) as exc:
        print(f"journey failed: {exc}", file=sys.stderr)
        return 1
    finally:
        await buyer.stop()
    print(f"order {order.get('id')} finished with status {order.get('status')}; "
          f"{len(journey.steps)} steps passed")
    return 0

"""`ledger check [--json]`: exit 0 only when every entry balances and every wallet equals its postings."""

from __future__ import annotations

import argparse
import asyncio
import json

from bpp.cli.common import add_config_option, settings_from
from bpp.money.repo import CheckReport, LedgerRepo
from bpp.storage.db import Database
from bpp.storage.reachability import ensure_database_reachable


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("ledger", help="settlement ledger tools", description="Settlement ledger tools.")
    actions = parser.add_subparsers(dest="ledger_command", metavar="ACTION", required=True)
    check = actions.add_parser(
        "check",
        help="verify the ledger",
        description="Verify that every journal entry balances and every worker account equals its postings.",
    )
    add_config_option(check)
    check.add_argument("--json", action="store_true", help="print the report as JSON")
    check.set_defaults(func=run_check)


def run_check(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    report = asyncio.run(check_database(settings.database_url))
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
    else:
        print(describe(report))
    return 0 if report.balanced else 1


async def check_database(database_url: str) -> CheckReport:
    await ensure_database_reachable(database_url)
    db = Database(database_url)
    try:
        async with db.connect() as conn:
            return await LedgerRepo(conn, db.is_postgres).check()
    finally:
        await db.dispose()


def describe(report: CheckReport) -> str:
    """A short human report; each problem on its own line."""
    lines = [f"{report.entries} journal entries, {report.postings} postings"]
    lines += [
        f"entry {p['entry_id']} sums to {p['sum']} over {p['postings']} postings" for p in report.unbalanced_entries
    ]
    lines += [f"entry {key} has no postings" for key in report.entries_without_postings]
    lines += [
        f"{m['account']}: posting {m['posting_id']} says {m['stored']}, postings sum to {m['sum_of_postings']}"
        for m in report.worker_account_mismatches
    ]
    lines += [
        f"{m['account']}: kept balance {m['kept']}, postings sum to {m['sum_of_postings']}"
        for m in report.kept_balance_mismatches
    ]
    lines.append("ledger balanced" if report.balanced else "LEDGER NOT BALANCED: see the lines above")
    return "\n".join(lines)

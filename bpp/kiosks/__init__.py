"""Kiosks (issue 13.3): Jan Seva Kendra counters book for walk-in citizens through the assisted booking desk, in
their own district, taking the fee in cash; the ledger keeps what each owes, and staff record its deposits."""

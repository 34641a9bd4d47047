"""Storage wiring: SQL engine, Redis client, tables, migrations."""

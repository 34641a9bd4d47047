"""The money area: the ledger service and its repository."""

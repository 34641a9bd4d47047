"""The orders area: the order repository, unit of work, order views and changes, invoices."""

"""Government departments (B2G): accounts and officers, work orders and their visits, monthly GST invoices."""

"""The programme's figures for the staff dashboard: SQL aggregates per district and for the state, as tables."""

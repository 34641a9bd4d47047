"""Assisted booking (issue 13): people who talk to a citizen book, change and complain for her on the same
catalogue, matching, order life cycle and ledger as the ONDC buyer apps; she hears of her order by SMS."""

"""The Beckn network edge: the gateway pipeline, inbox, outbox, dispatchers and delivery."""

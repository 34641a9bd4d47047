"""The workforce area: fulfillment service, worker matching and the worker repository."""

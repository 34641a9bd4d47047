"""What an operator watches: Prometheus metrics, one JSON log line per event, liveness and readiness."""

"""The network side: the inbound pipeline, the endpoints and the search fast path."""

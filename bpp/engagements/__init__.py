"""Long-term engagements (issue 15): one booking of many scheduled visits by one steady worker, billed by the month.
The rules are `fulfillment.engagement`; this area stores engagements and their visits (repo.py)."""

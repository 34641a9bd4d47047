"""Workers without smartphones (issue 17.4): offers by SMS, and the worker's SMS replies as her job steps."""

"""Service-provider agencies (issue 16.2): firms apply, district staff approve them, agencies add their workers."""

"""The behaviour behind each field, one module per domain: plain async functions taking a Context."""

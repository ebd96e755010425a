"""Spreadsheets in and out: /import and /export."""

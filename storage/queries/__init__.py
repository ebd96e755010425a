"""Query functions, one module per subject: keyword-only, they flush and never commit."""

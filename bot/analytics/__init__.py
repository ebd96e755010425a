"""Evaluating the churn score on purchase logs."""

"""The buttons on a churn-risk alert."""

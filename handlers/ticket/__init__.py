"""Complaint tickets: the customer's /complaint, staff's /tickets, and the relay between them."""

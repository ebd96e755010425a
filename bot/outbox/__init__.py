"""Delivering what producers queued in the outbox table: one paced sender per deployment."""

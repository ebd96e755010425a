"""Prometheus metrics of one application, in its own registry so many apps can live in one process."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

SEND_RESULTS = ("ok", "429", "403", "5xx", "other")


class Metrics:
    """The figures /metrics shows; depths are set from the database at scrape time."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.updates_processed = Counter(
            "fieldcrm_updates_processed",
            "Updates the application finished processing",
            registry=self.registry,
        )
        self.updates_failed = Counter(
            "fieldcrm_updates_failed", "Updates whose handler raised an error", registry=self.registry
        )
        self.handler_latency = Histogram(
            "fieldcrm_handler_latency_seconds", "Time to process one update", registry=self.registry
        )
        self.inbox_depth = Gauge(
            "fieldcrm_inbox_depth", "Webhook updates not yet processed", registry=self.registry
        )
        self.outbox_depth = Gauge(
            "fieldcrm_outbox_depth", "Pushes waiting or in flight", registry=self.registry
        )
        self.sends = Counter(
            "fieldcrm_outbox_sends", "Outbox sends by result", ["result"], registry=self.registry
        )
        self.leader = Gauge(
            "fieldcrm_leader", "1 while this process leads, 0 on standby", registry=self.registry
        )
        for result in SEND_RESULTS:
            self.sends.labels(result=result)
        self.leading = True
        self.leader.set(1)

    def set_leader(self, leading: bool) -> None:
        """Called by whatever decides leadership; /readyz and the gauge follow it."""
        self.leading = leading
        self.leader.set(1 if leading else 0)

    def sent(self, error: BaseException | None = None) -> None:
        """Count one send: None when Telegram accepted it."""
        self.sends.labels(result=send_result(error)).inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)


def send_result(error: BaseException | None) -> str:
    """The label of a send's outcome."""
    if error is None:
        return "ok"
    if isinstance(error, RetryAfter):
        return "429"
    if isinstance(error, Forbidden):
        return "403"
    # PTB raises NetworkError for 5xx answers and timeouts; BadRequest is a subclass meaning 400.
    if isinstance(error, NetworkError) and not isinstance(error, BadRequest):
        return "5xx"
    return "other"

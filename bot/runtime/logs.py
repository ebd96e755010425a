"""Logging set-up: one JSON event per line, and nothing that could carry the bot token or a phone number.

A traceback stays inside its event (as `exc`), so a log shipper never splits one failure into many
lines. Tokens appear in HTTP client logs (request URLs carry them); phone numbers can reach a
message or an exception text, so both are masked in the text and the traceback alike.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime

# E.164 numbers and mainland mobile numbers; Telegram ids (at most 10 digits, no plus) stay readable.
PHONE = re.compile(r"\+\d[\d\s-]{6,16}\d|(?<!\d)1[3-9]\d{9}(?!\d)")


def mask_phones(text: str) -> str:
    """Keep the last 4 digits of each phone number: enough to tell two apart in a log."""
    return PHONE.sub(lambda match: "***" + re.sub(r"\D", "", match.group())[-4:], text)


class JsonLines(logging.Formatter):
    def __init__(self, secret: str | None) -> None:
        super().__init__()
        self.secret = secret

    def format(self, record: logging.LogRecord) -> str:
        event = {
            "at": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": self._clean(record.getMessage()),
        }
        if record.exc_info:
            event["exc"] = self._clean(self.formatException(record.exc_info))
        return json.dumps(event, ensure_ascii=False)

    def _clean(self, text: str) -> str:
        if self.secret:
            text = text.replace(self.secret, "<token>")
        return mask_phones(text)


def configure_logging(level: str, *, secret: str | None = None) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonLines(secret))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "apscheduler", "aiohttp.access"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))

"""Logs are one JSON event per line and never carry the bot token or a whole phone number."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

from bot.runtime.logs import configure_logging, mask_phones

TOKEN = "123456:SECRET-token-value"


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.mark.usefixtures("restore_logging")
def test_each_event_is_one_json_line_without_secrets(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO", secret=TOKEN)
    log = logging.getLogger("fieldcrm.test")
    log.info("POST https://api.telegram.org/bot%s/sendMessage to +86 138 0013 8000", TOKEN)
    try:
        raise ValueError("duplicate phone 13800138000 for customer 客户")
    except ValueError:
        log.exception("saving failed for user %d", 1234567890)

    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first["level"] == "INFO"
    assert first["logger"] == "fieldcrm.test"
    assert first["msg"] == "POST https://api.telegram.org/bot<token>/sendMessage to ***8000"
    assert second["msg"] == "saving failed for user 1234567890"
    assert second["exc"].startswith("Traceback")
    assert "ValueError: duplicate phone ***8000 for customer 客户" in second["exc"]
    assert TOKEN not in "".join(lines)
    assert "13800138000" not in "".join(lines)


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("call +8613800138000 now", "call ***8000 now"),
        ("call +1 415-555-0134", "call ***0134"),
        ("手机 13912345678。", "手机 ***5678。"),
        ("update 987654321 from chat 1234567890", "update 987654321 from chat 1234567890"),
        ("chat -1001234567890 migrated", "chat -1001234567890 migrated"),
    ],
)
def test_phone_numbers_are_masked_but_ids_stay(text: str, masked: str) -> None:
    assert mask_phones(text) == masked

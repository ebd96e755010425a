"""A user's upload can claim a size (a 23 MB video without 23 MB of bytes), as Telegram would report it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from telegram import Bot
from telegram.error import BadRequest

from sandbox import SandboxUser
from tests.support.sandbox_fixtures import Incoming

MB = 1024 * 1024


async def test_a_document_reports_the_claimed_size_and_is_too_big_to_download(
    bot: Bot, ann: SandboxUser, incoming: Incoming
) -> None:
    await ann.send_document(b"tiny", filename="clip.mp4", mime_type="video/mp4", file_size=23 * MB)

    (message,) = await incoming()

    assert message.document is not None
    assert message.document.file_size == 23 * MB
    with pytest.raises(BadRequest, match="too big"):
        await message.document.get_file()


async def test_a_photo_reports_the_claimed_size_and_otherwise_its_own(
    ann: SandboxUser, incoming: Incoming, make_png: Callable[[int, int], bytes]
) -> None:
    image = make_png(8, 8)
    await ann.send_photo(image, file_size=12 * MB)
    await ann.send_photo(image)

    claimed, plain = await incoming()

    assert claimed.photo[-1].file_size == 12 * MB
    assert plain.photo[-1].file_size == len(image)

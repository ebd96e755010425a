"""The scheduled digest as pushes: the message with its drill-down buttons, then the chart.

A chart is drawn in a thread (matplotlib is CPU work), once per team digest and language however
many managers read it.
"""

from __future__ import annotations

import asyncio
from typing import Any
from weakref import WeakKeyDictionary

from telegram.ext import Application

from bot.i18n import Translator
from bot.outbox import payloads
from bot.present.charts import render_png
from bot.runtime.pushes import render_with
from bot.services.digest import DigestChart, DigestText
from handlers.digest import message


def text_payload(notice: DigestText, t: Translator) -> dict[str, Any]:
    text, keyboard = message.render(t, notice.digest)
    return payloads.message(text, keyboard)


def register(application: Application) -> None:  # type: ignore[type-arg]
    drawn: WeakKeyDictionary[DigestChart, dict[str, bytes]] = WeakKeyDictionary()

    async def chart_payload(notice: DigestChart, t: Translator) -> dict[str, Any]:
        charts = drawn.setdefault(notice, {})
        if t.locale not in charts:
            digest = notice.digest
            charts[t.locale] = await asyncio.to_thread(
                render_png, message.chart_data(digest), message.chart_labels(t, digest)
            )
        return payloads.photo(
            charts[t.locale],
            filename=message.chart_file_name(t, notice.digest),
            caption=message.caption(t, notice.digest),
        )

    render_with(application, DigestText, text_payload)
    render_with(application, DigestChart, chart_payload)

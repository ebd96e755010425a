"""getUpdates long polling and the webhook methods."""

from __future__ import annotations

import asyncio
from typing import Any

from sandbox.errors import ApiError, bad_request
from sandbox.methods.base import Call, Described, method
from sandbox.state import WebhookConfig
from sandbox.updates import UpdateQueue

MAX_POLL_TIMEOUT = 50
WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
SUPERSEDED = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
)


def _allowed_updates(call: Call) -> list[str] | None:
    allowed = call.params.json("allowed_updates", what="allowed updates")
    if allowed is None:
        return None
    if not isinstance(allowed, list) or not all(isinstance(kind, str) for kind in allowed):
        raise bad_request("can't parse allowed updates JSON object")
    return allowed


@method("getUpdates")
async def get_updates(call: Call) -> list[dict[str, Any]]:
    if call.bot.webhook is not None:
        raise ApiError(409, WEBHOOK_ACTIVE)
    queue = call.bot.updates
    offset = call.params.integer("offset")
    limit = min(max(call.params.integer("limit") or 100, 1), 100)
    timeout = min(max(call.params.number("timeout") or 0.0, 0.0), MAX_POLL_TIMEOUT)
    allowed = _allowed_updates(call)
    if allowed is not None:
        queue.allowed_updates = allowed
    if offset:
        queue.acknowledge(offset)
    generation = queue.start_poll()
    deadline = asyncio.get_running_loop().time() + timeout
    return await _wait_for_updates(call, queue, generation, limit, deadline)


async def _wait_for_updates(
    call: Call, queue: UpdateQueue, generation: int, limit: int, deadline: float
) -> list[dict[str, Any]]:
    loop = asyncio.get_running_loop()
    while True:
        if queue.poll_generation != generation:
            raise ApiError(409, SUPERSEDED)
        if call.bot.webhook is not None:
            raise ApiError(409, WEBHOOK_ACTIVE)
        records = queue.peek(limit)
        remaining = deadline - loop.time()
        if records or remaining <= 0 or call.runtime.closing:
            return [record.to_api() for record in records]
        await queue.signal.wait(remaining)


@method("setWebhook")
async def set_webhook(call: Call) -> Described:
    url = (call.params.string("url") or "").strip()
    if not url:
        return _delete_webhook(call)
    if not url.lower().startswith(("http://", "https://")):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = call.params.string("secret_token")
    if secret is not None and (
        not 1 <= len(secret) <= 256 or not all(c.isascii() and (c.isalnum() or c in "_-") for c in secret)
    ):
        raise bad_request("secret token contains unallowed characters")
    max_connections = call.params.integer("max_connections") or 40
    if not 1 <= max_connections <= 100:
        raise bad_request("bad webhook: max_connections must be between 1 and 100")
    allowed = _allowed_updates(call)
    if call.params.boolean("drop_pending_updates"):
        call.bot.updates.drop_pending()
    if allowed is not None:
        call.bot.updates.allowed_updates = allowed
    previous = call.bot.webhook
    call.bot.webhook = WebhookConfig(
        url=url,
        secret_token=secret or None,
        max_connections=max_connections,
        allowed_updates=allowed if allowed is not None else (previous.allowed_updates if previous else None),
        ip_address=call.params.string("ip_address"),
    )
    call.runtime.webhooks.configure(call.bot)
    call.bot.updates.signal.notify()
    if previous is not None and previous.url == url:
        return Described(True, "Webhook is already set")
    return Described(True, "Webhook was set")


def _delete_webhook(call: Call) -> Described:
    had_webhook = call.bot.webhook is not None
    if call.params.boolean("drop_pending_updates"):
        call.bot.updates.drop_pending()
    call.bot.webhook = None
    call.runtime.webhooks.configure(call.bot)
    return Described(True, "Webhook was deleted" if had_webhook else "Webhook is already deleted")


@method("deleteWebhook")
async def delete_webhook(call: Call) -> Described:
    return _delete_webhook(call)


@method("getWebhookInfo")
async def get_webhook_info(call: Call) -> dict[str, Any]:
    webhook = call.bot.webhook
    pending = len(call.bot.updates.pending)
    if webhook is None:
        return {"url": "", "has_custom_certificate": False, "pending_update_count": pending}
    info: dict[str, Any] = {
        "url": webhook.url,
        "has_custom_certificate": False,
        "pending_update_count": pending,
        "max_connections": webhook.max_connections,
    }
    if webhook.ip_address:
        info["ip_address"] = webhook.ip_address
    if webhook.allowed_updates:
        info["allowed_updates"] = webhook.allowed_updates
    if webhook.last_error_date is not None:
        info["last_error_date"] = webhook.last_error_date
        info["last_error_message"] = webhook.last_error_message
    return info

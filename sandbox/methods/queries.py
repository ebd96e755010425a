"""Answers to callback and inline queries; each query can be answered once, within 15 minutes."""

from __future__ import annotations

from typing import Any

from sandbox.errors import bad_request
from sandbox.methods.base import Call, method
from sandbox.text import check_link

QUERY_LIFETIME = 15 * 60
QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"
MAX_ALERT_TEXT = 200
MAX_INLINE_RESULTS = 50


@method("answerCallbackQuery")
async def answer_callback_query(call: Call) -> bool:
    query_id = call.params.string("callback_query_id") or ""
    query = call.bot.callback_queries.get(query_id)
    if (
        query is None
        or query.answer is not None
        or call.runtime.clock.now() - query.created_at > QUERY_LIFETIME
    ):
        raise bad_request(QUERY_INVALID)
    text = call.params.string("text")
    if text is not None and len(text) > MAX_ALERT_TEXT:
        raise bad_request("MESSAGE_TOO_LONG")
    url = call.params.string("url")
    if url and not check_link(url):
        raise bad_request("URL_INVALID")
    query.answer = {
        "text": text,
        "show_alert": call.params.boolean("show_alert"),
        "url": url,
        "cache_time": call.params.integer("cache_time") or 0,
    }
    message = query.chat.by_id.get(query.message_id)
    query.chat.record_event("callback_answer", message, callback_query_id=query.id)
    return True


@method("answerInlineQuery")
async def answer_inline_query(call: Call) -> bool:
    query_id = call.params.string("inline_query_id") or ""
    query = call.bot.inline_queries.get(query_id)
    if (
        query is None
        or query.answer is not None
        or call.runtime.clock.now() - query.created_at > QUERY_LIFETIME
    ):
        raise bad_request(QUERY_INVALID)
    results = call.params.json("results", what="inline query results")
    if not isinstance(results, list):
        raise bad_request("can't parse inline query results JSON object")
    if len(results) > MAX_INLINE_RESULTS:
        raise bad_request("RESULTS_TOO_MUCH")
    seen: set[str] = set()
    for result in results:
        _check_inline_result(result, seen)
    answer: dict[str, Any] = {
        "results": results,
        "cache_time": call.params.integer("cache_time"),
        "is_personal": call.params.boolean("is_personal"),
        "next_offset": call.params.string("next_offset") or "",
        "button": call.params.json("button"),
    }
    query.answer = answer
    return True


def _check_inline_result(result: Any, seen: set[str]) -> None:
    if not isinstance(result, dict) or not isinstance(result.get("type"), str):
        raise bad_request('can\'t parse InlineQueryResult: Field "type" must be of type String')
    result_id = result.get("id")
    if not isinstance(result_id, str) or not 1 <= len(result_id.encode("utf-8")) <= 64:
        raise bad_request("RESULT_ID_INVALID")
    if result_id in seen:
        raise bad_request("RESULT_ID_DUPLICATE")
    seen.add(result_id)

"""A bot's update queue: ids, acknowledgement by offset, delivery status, long polling."""

from __future__ import annotations

import asyncio
import copy
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from sandbox.waiting import Signal

NOT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


@dataclass
class UpdateRecord:
    update_id: int
    kind: str
    payload: dict[str, Any]
    status: str = "pending"
    done: asyncio.Event = field(default_factory=asyncio.Event)

    def to_api(self) -> dict[str, Any]:
        return {"update_id": self.update_id, self.kind: copy.deepcopy(self.payload)}

    def to_sandbox(self) -> dict[str, Any]:
        return {
            "update_id": self.update_id,
            "status": self.status,
            "delivered": self.status == "delivered",
            "update": self.to_api(),
        }

    def finish(self, status: str) -> None:
        self.status = status
        self.done.set()


class UpdateQueue:
    """Pending updates in order; an update is delivered once acknowledged or answered 2xx."""

    def __init__(self, first_id: int = 1) -> None:
        self.next_id = first_id
        self.records: dict[int, UpdateRecord] = {}
        self.pending: deque[UpdateRecord] = deque()
        self.allowed_updates: list[str] | None = None
        self.signal = Signal()
        self.poll_generation = 0

    def push(self, kind: str, payload: dict[str, Any]) -> UpdateRecord:
        record = UpdateRecord(self.next_id, kind, copy.deepcopy(payload))
        self.next_id += 1
        self.records[record.update_id] = record
        if self.is_allowed(kind):
            self.pending.append(record)
            self.signal.notify()
        else:
            record.finish("filtered")
        return record

    def is_allowed(self, kind: str) -> bool:
        if not self.allowed_updates:
            return kind not in NOT_BY_DEFAULT
        return kind in self.allowed_updates

    def acknowledge(self, offset: int) -> None:
        """getUpdates semantics: positive offsets confirm lower ids, negative keep the last -offset."""
        if offset < 0:
            while len(self.pending) > -offset:
                self.pending.popleft().finish("delivered")
        else:
            while self.pending and self.pending[0].update_id < offset:
                self.pending.popleft().finish("delivered")
        self.signal.notify()

    def delivered(self, record: UpdateRecord) -> None:
        if self.pending and self.pending[0] is record:
            self.pending.popleft()
        elif record in self.pending:
            self.pending.remove(record)
        record.finish("delivered")
        self.signal.notify()

    def drop_pending(self) -> None:
        while self.pending:
            self.pending.popleft().finish("dropped")
        self.signal.notify()

    def peek(self, limit: int) -> list[UpdateRecord]:
        return list(self.pending)[:limit]

    def start_poll(self) -> int:
        """A new getUpdates call supersedes any still waiting."""
        self.poll_generation += 1
        self.signal.notify()
        return self.poll_generation

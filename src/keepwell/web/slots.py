"""A limit on the requests one server process works on at once.

Page work is processor-bound Python: beyond a few requests at a time, threads only
contend for the interpreter lock and each request takes longer. Requests over the limit
wait, holding nothing (no thread, no database connection), until a slot frees.
"""

from __future__ import annotations

import asyncio
from collections import deque

from starlette.types import ASGIApp, Receive, Scope, Send


class FifoSlots:
    """A semaphore that serves waiters strictly in arrival order: a freed slot is handed
    to the longest waiter, never taken by a request that arrived later."""

    def __init__(self, slots: int) -> None:
        self.free = slots
        self._waiting: deque[asyncio.Future[None]] = deque()

    async def acquire(self) -> None:
        """Take a slot, waiting behind everyone who asked earlier."""
        if self.free and not self._waiting:
            self.free -= 1
            return
        turn = asyncio.get_running_loop().create_future()
        self._waiting.append(turn)
        try:
            await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                self.release()  # the slot arrived as the wait was cancelled: pass it on
            else:
                self._waiting.remove(turn)
            raise

    def release(self) -> None:
        """Give the slot to the longest waiter, or free it."""
        while self._waiting:
            turn = self._waiting.popleft()
            if not turn.done():
                turn.set_result(None)
                return
        self.free += 1


class RequestSlots:
    """ASGI middleware: at most ``slots`` HTTP requests inside ``app`` at a time."""

    def __init__(self, app: ASGIApp, *, slots: int) -> None:
        if slots < 1:
            raise ValueError("a server process needs at least one request slot")
        self.app = app
        self._slots = FifoSlots(slots)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self._slots.acquire()
        try:
            await self.app(scope, receive, send)
        finally:
            self._slots.release()

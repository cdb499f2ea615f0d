"""A limit on the requests one server process works on at once.

Page work is processor-bound Python: beyond a few requests at a time, threads only
contend for the interpreter lock and each request takes longer. Requests over the limit
wait, holding nothing (no thread, no database connection), until a slot frees.
"""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Receive, Scope, Send


class RequestSlots:
    """ASGI middleware: at most ``slots`` HTTP requests inside ``app`` at a time."""

    def __init__(self, app: ASGIApp, *, slots: int) -> None:
        if slots < 1:
            raise ValueError("a server process needs at least one request slot")
        self.app = app
        self.slots = slots
        self._semaphore: asyncio.Semaphore | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self._semaphore is None:
            self._semaphore = asyncio.Semaphore(self.slots)
        async with self._semaphore:
            await self.app(scope, receive, send)

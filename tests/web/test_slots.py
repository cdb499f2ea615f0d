"""Request slots: no more requests inside the application at once than the process has slots."""

from __future__ import annotations

import asyncio

import httpx2
import pytest
from starlette.types import Receive, Scope, Send

from keepwell.web.slots import RequestSlots


class Counting:
    """An ASGI app that notes how many requests are inside it at once."""

    def __init__(self) -> None:
        self.inside = 0
        self.most = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.inside += 1
        self.most = max(self.most, self.inside)
        await asyncio.sleep(0.01)
        self.inside -= 1
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


@pytest.mark.parametrize("slots", [1, 3])
def test_requests_over_the_limit_wait_their_turn(slots: int) -> None:
    app = Counting()

    async def twelve_at_once() -> list[int]:
        transport = httpx2.ASGITransport(app=RequestSlots(app, slots=slots))
        async with httpx2.AsyncClient(transport=transport, base_url="http://x") as client:
            answers = await asyncio.gather(*(client.get("/") for _ in range(12)))
        return [a.status_code for a in answers]

    assert asyncio.run(twelve_at_once()) == [200] * 12
    assert app.most == slots


def test_a_process_needs_a_slot() -> None:
    with pytest.raises(ValueError, match="at least one"):
        RequestSlots(Counting(), slots=0)

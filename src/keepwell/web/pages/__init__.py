"""The browser pages: server-rendered HTML, readable without JavaScript, htmx for updates."""

from fastapi import APIRouter

from keepwell.web.pages import (
    accounts,
    admin,
    audit,
    auth,
    comments,
    imports,
    portfolio,
    reads,
    rfqs,
    teams,
    tokens,
    work,
    workforce,
)

router = APIRouter(include_in_schema=False)
for module in (auth, work, portfolio, accounts, imports, admin, tokens, audit):
    router.include_router(module.router)
for module in (teams, reads, rfqs, comments, workforce):
    router.include_router(module.router)

__all__ = ["router"]

"""The browser pages: server-rendered HTML, readable without JavaScript, htmx for updates."""

from fastapi import APIRouter

from keepwell.web.pages import (
    accounts,
    admin,
    audit,
    auth,
    imports,
    portfolio,
    problems,
    tokens,
    voice,
    work,
)

router = APIRouter(include_in_schema=False)
for module in (auth, work, portfolio, accounts, imports, admin, tokens, audit, problems, voice):
    router.include_router(module.router)

__all__ = ["router"]

"""The browser pages: server-rendered HTML, readable without JavaScript, htmx for updates."""

from fastapi import APIRouter

from keepwell.web.pages import (
    accounts,
    admin,
    audit,
    auth,
    fleet,
    imports,
    portfolio,
    reports,
    retention,
    tokens,
    work,
)

router = APIRouter(include_in_schema=False)
for module in (
    auth,
    work,
    portfolio,
    accounts,
    retention,
    reports,
    imports,
    admin,
    tokens,
    audit,
    fleet,
):
    router.include_router(module.router)

__all__ = ["router"]

"""The browser pages: server-rendered HTML, readable without JavaScript, htmx for updates."""

from fastapi import APIRouter

from keepwell.web.pages import (
    accounts,
    admin,
    audit,
    auth,
    comments,
    fleet,
    imports,
    inbox,
    knowledge,
    knowledge_where_needed,
    playbooks,
    portfolio,
    problems,
    reads,
    reports,
    retention,
    rfqs,
    risk,
    search,
    tasks,
    teams,
    tokens,
    voice,
    work,
    workforce,
)

router = APIRouter(include_in_schema=False)
for module in (
    auth,
    work,
    inbox,
    search,
    risk,
    portfolio,
    accounts,
    retention,
    reports,
    imports,
    admin,
    tokens,
    audit,
    fleet,
    comments,
    reads,
    rfqs,
    teams,
    workforce,
    knowledge_where_needed,
    knowledge,
    tasks,
    playbooks,
    problems,
    voice,
):
    router.include_router(module.router)

__all__ = ["router"]

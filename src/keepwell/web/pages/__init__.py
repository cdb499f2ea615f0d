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
    knowledge,
    knowledge_where_needed,
    playbook_builder,
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
    playbook_builder,
    playbooks,
    problems,
    voice,
):
    router.include_router(module.router)

__all__ = ["router"]

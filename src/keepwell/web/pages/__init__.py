"""The browser pages: server-rendered HTML, readable without JavaScript, htmx for updates."""

from fastapi import APIRouter

from keepwell.web.pages import (
    account_reviews,
    accounts,
    admin,
    audit,
    auth,
    comments,
    fleet,
    imports,
    knowledge,
    knowledge_where_needed,
    plans,
    playbooks,
    portfolio,
    problems,
    reads,
    reports,
    retention,
    rfqs,
    risk,
    search,
    shared_plans,
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
    playbooks,
    problems,
    voice,
    plans,
    shared_plans,
    account_reviews,
):
    router.include_router(module.router)

__all__ = ["router"]

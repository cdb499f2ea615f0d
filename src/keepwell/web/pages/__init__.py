"""The browser pages: server-rendered HTML, readable without JavaScript, htmx for updates."""

from fastapi import APIRouter

from keepwell.web.pages import (
    accounts,
    admin,
    audit,
    auth,
    imports,
    knowledge,
    knowledge_where_needed,
    portfolio,
    tokens,
    work,
)

router = APIRouter(include_in_schema=False)
PAGES = (auth, work, portfolio, accounts, imports, admin, tokens, audit)
# knowledge_where_needed holds /knowledge/handover, which must come before /knowledge/{id}
for module in (*PAGES, knowledge_where_needed, knowledge):
    router.include_router(module.router)

__all__ = ["router"]

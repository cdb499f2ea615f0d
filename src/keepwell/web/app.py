"""The application factory."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from keepwell import __version__
from keepwell.db import make_engine, session_factory
from keepwell.settings import Settings, get_settings
from keepwell.web import api, pages
from keepwell.web.problem_details import install_error_handlers
from keepwell.web.security import SecurityHeadersMiddleware
from keepwell.web.slots import RequestSlots
from keepwell.web.state import WebState
from keepwell.web.templating import templates

STATIC = Path(__file__).parent / "static"
DESCRIPTION = (
    "The Keepwell REST API. Authenticate with `Authorization: Bearer <token>` (tokens are "
    "scoped read, write or ingest) or with a browser session. Lists page with `cursor`; "
    "errors are RFC 9457 problem details (`application/problem+json`)."
)


class InsecureSettings(ValueError):
    """The settings are not safe outside development."""


def check_settings(settings: Settings) -> None:
    """Refuse plain-HTTP session cookies outside development."""
    if settings.environment != "development" and not settings.cookie_secure:
        raise InsecureSettings(
            "KEEPWELL_COOKIE_SECURE=false is only allowed with KEEPWELL_ENVIRONMENT=development"
        )


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    """The web application: pages, the API, static files, security headers, error handling.

    ``X-Forwarded-For`` and ``X-Forwarded-Proto`` are believed only from the proxies that
    ``KEEPWELL_TRUSTED_PROXIES`` names (the servers themselves never read them).
    Without ``engine`` one is made from the settings' database URL (the schema must be
    up to date; ``keepwell serve`` migrates before it starts).
    """
    settings = settings or get_settings()
    check_settings(settings)
    engine = engine or make_engine(
        settings.resolved_database_url(), busy_seconds=settings.database_busy_seconds
    )
    app = FastAPI(
        title="Keepwell",
        version=__version__,
        description=DESCRIPTION,
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
    )
    templates.env.globals["currency"] = settings.currency
    app.state.keepwell = WebState(settings, engine, session_factory(engine))
    app.add_middleware(SecurityHeadersMiddleware, https=settings.cookie_secure)
    app.add_middleware(RequestSlots, slots=settings.web_slots)
    if settings.trusted_proxies.strip():
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
    install_error_handlers(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    return app

"""The web application: browser pages, the REST API, authentication and access control.

``create_app`` is imported on first use, so that services which render with the web's
templates or charts (reports, notifications) can import ``keepwell.web.*`` modules
without building the whole application first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from keepwell.web.app import create_app

__all__ = [
    "app",
    "charts",
    "create_app",
    "linechart",
    "links",
    "queries",
    "scores",
    "serving",
    "templating",
]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from keepwell.web.app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

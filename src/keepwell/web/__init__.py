"""The web application: browser pages, the REST API, authentication and access control.

``create_app`` is imported on first use: the command line imports ``keepwell.web.queries``
(the portfolio query) and must not build the whole application to do so (about a quarter
of ``import keepwell.cli``). Reports and notifications no longer import the web at all;
what they share with the pages is ``keepwell.rendering``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from keepwell.web.app import create_app

__all__ = ["app", "create_app", "queries", "serving"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from keepwell.web.app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

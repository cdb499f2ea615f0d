"""The web application: browser pages, the REST API, authentication and access control."""

from __future__ import annotations

from keepwell.web.app import create_app

__all__ = ["create_app"]

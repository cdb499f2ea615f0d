"""What the web application holds for its whole life: settings, engine, sessions, templates."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fastapi import Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from keepwell.settings import Settings


@dataclass(frozen=True)
class WebState:
    """The application's long-lived objects (one per ``create_app``)."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]

    @property
    def uploads(self) -> Path:
        """Where uploaded import files wait for their confirmation."""
        return self.settings.data_dir / "uploads"


def web_state(request: Request) -> WebState:
    """The state of the application serving ``request``."""
    state = request.app.state.keepwell
    if not isinstance(state, WebState):
        raise RuntimeError("keepwell web state missing; build the app with create_app")
    return state

"""Database access: engines, sessions, migrations."""

from keepwell.db.engine import make_engine, session_factory, session_scope
from keepwell.db.migrate import upgrade

__all__ = ["make_engine", "session_factory", "session_scope", "upgrade"]

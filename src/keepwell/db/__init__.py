"""Database access: engines and sessions, the declarative base, statements built once.

The schema's migrations live above every domain package, in ``keepwell.migrations``.
"""

from keepwell.db.engine import make_engine, session_factory, session_scope

__all__ = [
    "base",
    "engine",
    "make_engine",
    "prepared",
    "session_factory",
    "session_scope",
    "values",
]

"""The database schema over time: every table collected, and the Alembic migrations.

This package sits above the domain packages: ``tables`` imports each package's models so
that ``Base.metadata`` is complete, which ``keepwell.db`` (below every domain) must not do.
"""

from keepwell.migrations.apply import alembic_config, check, upgrade

__all__ = ["alembic_config", "check", "upgrade"]

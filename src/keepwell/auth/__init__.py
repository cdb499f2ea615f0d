"""Users, sign-in, browser sessions, API tokens, roles and permissions."""

# The modules other packages use (tests/test_layers.py holds every import to it).
__all__ = [
    "demo",
    "digests",
    "login",
    "models",
    "passwords",
    "permissions",
    "service",
    "sessions",
    "tokens",
    "visibility",
]

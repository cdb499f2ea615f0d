"""The shared customer record: accounts and everything that happened with them."""

# The modules other packages use (tests/test_layers.py holds every import to it).
__all__ = [
    "fts",
    "lost",
    "models",
    "schemas",
    "service",
    "ticket_list",
    "tickets",
    "timeline",
    "vocabulary",
    "warning_signs",
]

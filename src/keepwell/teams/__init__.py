"""Everyone's retention role: coverage, departure impact, human reads, RFQ hand-off, comments."""

# The modules other packages use (tests/test_layers.py holds every import to it).
__all__ = [
    "access",
    "comments",
    "coverage",
    "departure",
    "errors",
    "mention_notices",
    "models",
    "profiles",
    "rfq",
    "rfq_report",
    "roles",
    "schemas",
    "team",
    "workforce",
]

"""Insight: point-in-time features, churn and health models, lifetime value, retention and
the stored scoring runs that pages, playbooks and reports read."""

# The modules other packages use (tests/test_layers.py holds every import to it).
__all__ = [
    "agreement",
    "churn",
    "features",
    "health",
    "history",
    "human_reads",
    "lifetime_value",
    "models",
    "overview",
    "retention_report",
    "risk",
    "scoring",
    "snapshots",
    "wording",
]

"""Success plans: the customer's own objectives, milestones and measures, shared by link."""

# The modules other packages use (tests/test_layers.py holds every import to it).
__all__ = ["measures", "models", "schemas", "service", "sharing"]

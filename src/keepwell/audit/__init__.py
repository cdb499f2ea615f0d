"""The audit log: who changed what, when, through which channel."""

# The modules other packages use (tests/test_layers.py holds every import to it).
__all__ = ["models", "service", "words"]

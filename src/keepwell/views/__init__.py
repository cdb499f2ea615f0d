"""Saved views: a person's named filters and order of one list, private or shared."""

# The modules other packages use (tests/test_layers.py holds every import to it).
__all__ = ["models", "service"]

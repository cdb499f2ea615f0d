"""Employees, departments, retention roles and account teams."""

# The modules other packages use (tests/test_layers.py holds every import to it).
__all__ = ["models", "presence", "roles", "single_threaded"]

"""Playbooks: signals on the customer record, rules in YAML, and the actions they take.

Signals and actions are pluggy plugins (see :mod:`keepwell.playbooks.hookspecs`); the
built-ins are registered as default plugins and a company adds its own through the
``keepwell.playbooks`` entry point group.
"""

# The modules other packages use (tests/test_layers.py holds every import to it).
__all__ = ["builder", "engine", "history", "models", "plugins", "rules", "service"]

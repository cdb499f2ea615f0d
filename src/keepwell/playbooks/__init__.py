"""Playbooks: signals on the customer record, rules in YAML, and the actions they take.

Signals and actions are pluggy plugins (see :mod:`keepwell.playbooks.hookspecs`); the
built-ins are registered as default plugins and a company adds its own through the
``keepwell.playbooks`` entry point group.
"""

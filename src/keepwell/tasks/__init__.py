"""Tasks: owned follow-ups on accounts, created by people or by playbooks.

Importing the package makes tasks a comment subject (``task``).
"""

from keepwell.tasks.inbox import describe_task
from keepwell.tasks.models import Task
from keepwell.teams.comments import register_subject

register_subject("task", Task, describe_task)

# The modules other packages use (tests/test_layers.py holds every import to it).
__all__ = ["attention", "escalation", "models", "owners", "people", "schemas", "service"]

"""Tasks: owned follow-ups on accounts, created by people or by playbooks.

Importing the package makes tasks a comment subject (``task``).
"""

from keepwell.tasks.models import Task
from keepwell.teams.comments import register_subject

register_subject("task", Task)

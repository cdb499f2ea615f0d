"""Tasks: owned follow-ups on accounts, created by people or by playbooks."""

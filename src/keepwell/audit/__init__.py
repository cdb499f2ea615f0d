"""The audit log: who changed what, when, through which channel."""

"""Intake: import kinds and fields, mapping files, streaming readers, validation, reference
resolution and upserts, all in one transaction per file."""

# The modules other packages use (tests/test_layers.py holds every import to it).
__all__ = [
    "docs",
    "errors",
    "fields",
    "limits",
    "mapper",
    "mapping",
    "models",
    "saved",
    "service",
    "suggest",
]

"""The knowledge base: articles in Markdown, their versions, tags and links, full-text search."""

# The modules other packages use (tests/test_layers.py holds every import to it).
__all__ = [
    "errors",
    "forms",
    "fts",
    "handover",
    "importer",
    "lesson",
    "links",
    "models",
    "render",
    "schemas",
    "search",
    "service",
    "suggest",
]

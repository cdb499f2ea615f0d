"""The customer's voice, asked for continuously: surveys sent by e-mail on events and on a
relationship cadence, answered through a signed single-use link without sign-in."""

# The modules other packages use (tests/test_layers.py holds every import to it).
__all__ = ["links", "models", "rules", "scales", "service", "wording"]

"""The voice of the customer: sentiment, themes, NPS/CSAT, theme lift and the say–do gap."""

# The modules other packages use (tests/test_layers.py holds every import to it).
__all__ = ["comments", "models", "nps", "saydo", "service", "store"]

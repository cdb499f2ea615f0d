"""The voice of the customer: sentiment, themes, NPS/CSAT, theme lift and the say–do gap."""

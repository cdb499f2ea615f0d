"""Keepwell: a self-hosted customer-retention platform for B2B companies."""

__version__ = "0.1.0"

"""The built-in signals, grouped by the part of the record they read."""

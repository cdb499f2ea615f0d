"""Saved views: a person's named filters and order of one list, private or shared."""

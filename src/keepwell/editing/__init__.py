"""Changes people make to the record by hand: account fields, contacts, the account team
(``accounts``) and visit, call and meeting notes (``notes``).

It sits above the record, the teams and the voice of the customer: a note is placed in
its voice theme as it is written, and a team change goes through ``keepwell.teams``.
"""

# The modules other packages use (tests/test_layers.py holds every import to it).
__all__ = ["accounts", "notes"]

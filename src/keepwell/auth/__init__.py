"""Users, sign-in, browser sessions, API tokens, roles and permissions."""

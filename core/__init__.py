"""Infrastructure the domains share: database, clock, secrets, ids, errors, limits, mail, events."""

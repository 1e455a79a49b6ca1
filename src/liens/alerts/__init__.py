"""Alerts: rules over the results (`rules`, `inputs`, `hours`: the analyses' floor), and what acts on
them — state kept in the store, delivery, the "what changed" digest and the unattended run
(`state`, `delivery`, `digest`, `run`: a floor between the analyses and `liens.api`).

Nothing is imported here, so that the analyses' floor can use `rules` without pulling the rest.
"""

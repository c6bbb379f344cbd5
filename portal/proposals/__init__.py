"""Proposals: a company's (or a consortium's) answer to a challenge, and the city's shortlist."""

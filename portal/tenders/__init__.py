"""Tenders built from agreed requirements: procedures, criteria, frozen PDF versions, public Q&A."""

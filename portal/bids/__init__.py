"""Sealed bids, their evaluation and the award."""

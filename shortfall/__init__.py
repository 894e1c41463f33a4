"""Shortfall: bad-debt socialization for on-chain lending, reserve first, then the LP share price."""

__version__ = "0.1.0"

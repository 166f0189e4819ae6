"""Mention-path benchmark: generator → normalise → stream → enrich → store (issue 4, Speed)."""

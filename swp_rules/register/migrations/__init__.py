"""Alembic migrations of the breach register (``swp-rules register upgrade`` runs them)."""

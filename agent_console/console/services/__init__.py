"""Business rules as flat keyword-only functions taking a SQLAlchemy session (no HTTP here)."""

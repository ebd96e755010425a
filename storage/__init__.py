"""The data layer: SQLAlchemy models, engine and sessions, Alembic migrations, PTB persistence."""

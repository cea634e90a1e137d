"""Alembic revisions of the results database (see hubbench/results/schema.py for how they are applied)."""

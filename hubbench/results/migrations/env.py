"""Alembic environment: runs on the connection hubbench/results/schema.py hands over (already in its
write transaction and under its lock), never on a URL of its own."""

from __future__ import annotations

from alembic import context

from hubbench.results.models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True,
                  compare_type=True)
with context.begin_transaction():
    context.run_migrations()

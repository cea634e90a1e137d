"""Alembic revisions of the results database, applied by hubbench/results/schema.py when a bench opens it.

Adding a column or a table: change models.py, then `.venv/bin/python -m hubbench.results.migrations
"runs.declared_at"` writes the next revision (versions/NNNN_<slug>.py, chained to the current head); read
it, run tests/results/test_migrations.py (it fails while models.py and the revisions differ), commit both.
Two branches that each add a revision from the same head: the later merge renumbers its own and points its
`down_revision` at the other (one head only: schema.upgrade targets "head").
"""

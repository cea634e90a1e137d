"""`python -m hubbench.results.migrations "what changed"`: a new revision for what models.py gained.

A development aid (the bench applies revisions itself, schema.upgrade): a scratch SQLite database at head
is compared with models.py and the difference written as `versions/NNNN_<slug>.py` (next number, chained to
head). Read it before committing: autogenerate sees added tables, columns, indexes and type changes, not
renames. tests/results/test_migrations.py fails while models.py and the revisions differ.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine

from hubbench.results import schema


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not argv[0].strip():
        print('usage : python -m hubbench.results.migrations "ce qui change"', file=sys.stderr)
        return 2
    message = argv[0].strip()
    number = f"{int(schema.head_revision()) + 1:04d}"
    with tempfile.TemporaryDirectory() as scratch:
        engine = create_engine(f"sqlite:///{Path(scratch) / 'head.db'}")
        with engine.begin() as conn:
            schema.upgrade(conn)
            script = command.revision(schema.config(conn), message=message, autogenerate=True, rev_id=number)
        engine.dispose()
    written = getattr(script, "path", number)
    print(f"Révision écrite : {written} — relisez-la, puis lancez tests/results/test_migrations.py")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

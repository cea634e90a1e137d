"""Retention of health data: `hubbench results purge` erases old message bodies (by option or by the
`[results] retention_days` setting) and refuses bad ages with a clear error."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from hubbench.results.db import open_database
from hubbench.results.models import TraceMessage
from hubbench.results.trace import TraceRecord, TraceWriter

HUBBENCH = str(Path(sys.executable).parent / "hubbench")


def _home_with_trace(root: Path) -> str:
    root.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{root / 'results.db'}"
    writer = TraceWriter(url)
    now = datetime.now(UTC)
    for ident, age in (("vieux", 40), ("recent", 2)):
        writer.record(TraceRecord(vhost="15-15_v2.0", outcome="routed", at=now - timedelta(days=age),
                                  distribution_id=ident, body=b'{"patient": "Jeanne"}'))
    assert writer.flush() and writer.close()
    return url


def _bodies(url: str) -> dict[str, bytes | None]:
    database = open_database(url)
    with database.engine.connect() as conn:
        rows = conn.execute(select(TraceMessage.distribution_id, TraceMessage.body)).all()
    database.dispose()
    return dict(rows)


def _purge(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HUBBENCH_HOME": str(root)}
    env.pop("HUBBENCH_DB_URL", None)
    return subprocess.run([HUBBENCH, "results", "purge", *args], env=env, capture_output=True, text=True,
                          timeout=60, check=False)


def test_purge_by_option_erases_old_bodies_only(tmp_path: Path) -> None:
    url = _home_with_trace(tmp_path)
    done = _purge(tmp_path, "--older-than", "30")
    assert done.returncode == 0, done.stderr
    assert _bodies(url) == {"vieux": None, "recent": b'{"patient": "Jeanne"}'}


def test_purge_uses_the_retention_setting_and_all_deletes_rows(tmp_path: Path) -> None:
    url = _home_with_trace(tmp_path)
    (tmp_path / "config.toml").write_text("[results]\nretention_days = 30\n", encoding="utf-8")
    done = _purge(tmp_path, "--all")
    assert done.returncode == 0, done.stderr
    assert _bodies(url) == {"recent": b'{"patient": "Jeanne"}'}


def test_bad_ages_are_clear_errors(tmp_path: Path) -> None:
    _home_with_trace(tmp_path)
    for args in (["--older-than", "abc"], ["--older-than", "0"], []):
        done = _purge(tmp_path, *args)
        assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
        assert done.stderr.startswith("Erreur : "), done.stderr
    (tmp_path / "config.toml").write_text('[results]\nretention_days = "un mois"\n', encoding="utf-8")
    done = _purge(tmp_path)
    assert done.returncode == 2 and "retention_days" in done.stderr

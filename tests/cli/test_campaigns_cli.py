"""`hubbench campaigns enqueue | status` and `hubbench worker` end to end in subprocesses, on a SQLite
results database and no hub: the worker takes the campaign, its `hubbench run` stops on the set-up error
(exit 2), and the campaign ends « en échec » with that code — a French line, no traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from hubbench.home import DB_URL_ENV, HOME_ENV


def hubbench(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, HOME_ENV: str(home), DB_URL_ENV: f"sqlite:///{home / 'results.db'}"}
    return subprocess.run([sys.executable, "-c", "from hubbench.cli import main; main()", *args], env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def test_a_worker_takes_the_queued_campaign_and_records_its_end(tmp_path: Path) -> None:
    queued = hubbench(tmp_path, "campaigns", "enqueue", "--session", "s1", "--vendor", "Éditeur A",
                      "--client-id", "fr.health.samu440", "--link", "15-15", "--tiers", "2",
                      "--option", "fast")
    assert queued.returncode == 0, queued.stderr
    assert "Session s1 : 1 campagne(s) en file (1)" in queued.stdout
    assert "en file" in hubbench(tmp_path, "campaigns", "status", "--session", "s1").stdout
    worked = hubbench(tmp_path, "worker", "--session", "s1", "--until-empty", "--name", "poste-1")
    assert worked.returncode == 0, worked.stderr
    assert "1 campagne(s) exécutée(s)." in worked.stdout
    assert "[poste-1] campagne 1 terminée : code 2" in worked.stderr
    rows = json.loads(hubbench(tmp_path, "campaigns", "status", "--session", "s1", "--json").stdout)
    assert [(r["state"], r["worker"], r["exit_code"], r["attempts"]) for r in rows] == [
        ("failed", "poste-1", 2, 1)]
    log = (tmp_path / "runs" / "worker" / "campaign-1.log").read_text(encoding="utf-8")
    assert "hub du banc n'est pas démarré" in log and "Traceback" not in log


def test_a_bad_option_is_refused_in_french(tmp_path: Path) -> None:
    refused = hubbench(tmp_path, "campaigns", "enqueue", "--session", "s1", "--vendor", "A", "--client-id",
                       "fr.health.samu440", "--link", "15-15", "--option", "=x")
    assert refused.returncode == 2
    assert "--option : « cle=valeur » ou « cle » attendu" in refused.stderr
    assert "Traceback" not in refused.stderr

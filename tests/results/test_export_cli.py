"""`hubbench results export RUN_ID`: the reports of a stored run, written after the fact.

The run is written by real engine events into a SQLite database; the CLI reads it through
HUBBENCH_DB_URL. The PDF certificate is read back with pypdf: the vendor's name, with characters
outside Latin-1 (« Œ », « — »), comes back whole (DejaVu Sans shipped with the package).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from pypdf import PdfReader
from results_fixtures import full_run

from hubbench.events import EventBus
from hubbench.results.reporters.json_report import REPORT_FORMAT
from hubbench.results.store import ResultsStore

HUBBENCH = str(Path(sys.executable).parent / "hubbench")
VENDOR = "Œuvre Cœur — Équipe"


def _cli(db_url: str, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HUBBENCH_DB_URL": db_url, "HUBBENCH_HOME": str(home)}
    return subprocess.run([HUBBENCH, "results", "export", *args], env=env, capture_output=True, text=True,
                          timeout=120, check=False)


@pytest.fixture
def stored_url(sqlite_url: str) -> str:
    store = ResultsStore(sqlite_url)
    bus = EventBus([store])
    for event in full_run("run-export", vendor=VENDOR):
        bus.emit(event)
    store.close()
    return sqlite_url


def test_every_report_of_a_stored_run(stored_url: str, tmp_path: Path) -> None:
    out = tmp_path / "rapports"
    done = _cli(stored_url, tmp_path / "home", "run-export", "--junit", str(out / "r.xml"),
                "--cucumber-json", str(out / "r.cucumber.json"), "--json", str(out / "r.json"),
                "--pdf", str(out / "certificat.pdf"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("Rapport écrit : ") == 4

    junit = ET.parse(out / "r.xml").getroot()
    assert (junit.get("tests"), junit.get("failures"), junit.get("errors")) == ("5", "2", "1")
    assert VENDOR in junit.get("name", "")
    features = json.loads((out / "r.cucumber.json").read_text(encoding="utf-8"))
    assert {f["name"] for f in features} >= {"tier1.feature", "tier3.feature"}
    report = json.loads((out / "r.json").read_text(encoding="utf-8"))
    assert report["format"] == REPORT_FORMAT and report["run"]["vendor"] == VENDOR

    reader = PdfReader(out / "certificat.pdf")
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert VENDOR in text
    assert "Palier 3 — Envoi de messages vides" in text
    fonts = {str(font.get_object()["/BaseFont"]) for font in reader.pages[0]["/Resources"]["/Font"].values()}
    assert any("DejaVuSans" in name for name in fonts), fonts


def test_unknown_run_is_refused_and_writes_nothing(stored_url: str, tmp_path: Path) -> None:
    target = tmp_path / "r.xml"
    done = _cli(stored_url, tmp_path / "home", "pas-une-execution", "--junit", str(target))
    assert done.returncode == 2
    assert done.stderr.startswith("Erreur : Exécution inconnue : pas-une-execution")
    assert "Traceback" not in done.stderr
    assert not target.exists()


def test_export_without_a_format_is_a_usage_error(stored_url: str, tmp_path: Path) -> None:
    done = _cli(stored_url, tmp_path / "home", "run-export")
    assert done.returncode == 2
    assert done.stderr.startswith("Erreur : Aucun rapport demandé")

"""`hubbench console`: bad input and a taken port give one French line and exit code 2."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from bench_app.launcher import RunRequest, start_run
from hubbench.errors import UsageError
from hubbench.home import BenchHome

HUBBENCH = [
    sys.executable,
    "-c",
    "import sys; from hubbench.cli import main; sys.argv[0] = 'hubbench'; main()",
]


def _console(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*HUBBENCH, "console", "--home", str(tmp_path / "home"), *args],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.parametrize("port", ["abc", "80", "70000"])
def test_bad_port_is_a_usage_error(port: str, tmp_path: Path) -> None:
    done = _console("--port", port, tmp_path=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith("Erreur : Port attendu : un entier entre 1024 et 65535")
    assert "Traceback" not in done.stderr


def test_taken_port_is_refused_clearly(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = _console("--port", str(port), tmp_path=tmp_path)
    assert done.returncode == 2
    assert f"Le port {port} est déjà pris sur 127.0.0.1" in done.stderr


def test_bad_database_url_is_refused(tmp_path: Path) -> None:
    done = _console("--db", "pas-une-url", "--port", "8599", tmp_path=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith("Erreur : URL de base de données invalide")


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (RunRequest("", "fr.health.samu440", "15-15"), "Nom d'éditeur attendu"),
        (RunRequest("X", "samu440", "15-15"), "Identifiant client attendu"),
        (RunRequest("X", "fr.health.samu440", "15-18"), "Lien attendu parmi 15-15, 15-SMUR, 15-NexSIS"),
        (RunRequest("X", "fr.health.samu440", "15-15", tiers="3-1"), "Paliers attendus"),
        (RunRequest("X", "fr.health.samu440", "15-15", timeout_s=0), "Délai attendu entre 1 et 3600 s"),
    ],
)
def test_run_requests_are_checked_before_anything_starts(
    request_: RunRequest, message: str, tmp_path: Path
) -> None:
    with pytest.raises(UsageError, match=message):
        start_run(request_, db_url="sqlite://", home=BenchHome(tmp_path))
    assert not (tmp_path / "runs").exists()


def test_run_request_becomes_hubbench_run_arguments() -> None:
    request = RunRequest(
        "Éditeur X", "fr.health.samu440", "15-SMUR", tiers="2-3", vhost="15-smur_v1.4", timeout_s=30
    )
    assert request.arguments() == [
        "run",
        "--vendor",
        "Éditeur X",
        "--client-id",
        "fr.health.samu440",
        "--link",
        "15-SMUR",
        "--tiers",
        "2-3",
        "--vhost",
        "15-smur_v1.4",
        "--timeout",
        "30",
    ]

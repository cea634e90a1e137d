"""`hubbench sim`: profile list, and one-line French usage errors with exit code 2 (no traceback)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from hubbench.sim.profiles import PROFILES


def _hubbench(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from hubbench.cli import main; main()", *args],
        capture_output=True, text=True, timeout=60, env={**os.environ, "HUBBENCH_HOME": str(home)},
    )


def test_list_profiles_names_every_profile(tmp_path: Path) -> None:
    done = _hubbench("sim", "--list-profiles", home=tmp_path)
    assert done.returncode == 0
    listed = {line.split()[0] for line in done.stdout.splitlines() if line and not line.startswith(" ")}
    assert listed == set(PROFILES)


def test_unknown_profile_is_a_usage_error_listing_the_valid_ones(tmp_path: Path) -> None:
    done = _hubbench("sim", "fr.health.samu770", "--profile", "farfelu", home=tmp_path)
    assert done.returncode == 2
    assert "Profil inconnu : 'farfelu'" in done.stderr and "sans-rc-ref" in done.stderr
    assert "Traceback" not in done.stderr


def test_client_without_certificate_is_a_usage_error(tmp_path: Path) -> None:
    done = _hubbench("sim", "fr.health.samu770", home=tmp_path)
    assert done.returncode == 2
    assert "Aucun certificat pour le client « fr.health.samu770 »" in done.stderr
    assert "hubbench clients add fr.health.samu770" in done.stderr and "Traceback" not in done.stderr


def test_missing_client_id_is_a_usage_error(tmp_path: Path) -> None:
    done = _hubbench("sim", home=tmp_path)
    assert done.returncode == 2 and "Identifiant client manquant" in done.stderr

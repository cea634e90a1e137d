"""Bad input to the bench itself: one clear French line and exit code 2, never a traceback.

Covers the answers file, schema packs, unknown client ids and links, and the bench's own scenarios
(a broken feature file, a step with no definition)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from bench_inputs import cases

CASE_COUNT = 8


@pytest.mark.parametrize("index", range(CASE_COUNT))
def test_bad_input_is_one_clear_line_and_exit_code_2(index: int, tmp_path: Path) -> None:
    selected = cases(tmp_path)
    assert len(selected) == CASE_COUNT
    name, command, env = selected[index]
    done = subprocess.run(command, env={**os.environ, **env}, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 2, (name, done.stdout, done.stderr)
    assert "Traceback" not in done.stdout + done.stderr, name
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert lines and lines[0].startswith("Erreur : "), (name, done.stderr)


def test_scenario_input_errors_name_the_culprit(tmp_path: Path) -> None:
    by_name = {name: (command, env) for name, command, env in cases(tmp_path)}
    command, env = by_name["étape inconnue"]
    done = subprocess.run(command, env={**os.environ, **env}, capture_output=True, text=True, timeout=120,
                          check=False)
    assert "une étape que personne n'a écrite" in done.stderr
    command, env = by_name["fichier feature cassé"]
    done = subprocess.run(command, env={**os.environ, **env}, capture_output=True, text=True, timeout=120,
                          check=False)
    assert "demo.feature" in done.stderr

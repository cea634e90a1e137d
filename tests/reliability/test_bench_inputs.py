"""Bad input to the bench itself: one clear French line and exit code 2, never a traceback.

(Broken feature files and unknown steps are exercised by bench/reliability.py, which reports them: the
engine does not turn them into a clear error yet.)
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from bench_inputs import cases

ENGINE_CASES = {"fichier feature cassé", "étape inconnue"}


@pytest.mark.parametrize("index", range(6))
def test_bad_input_is_one_clear_line_and_exit_code_2(index: int, tmp_path: Path) -> None:
    selected = [c for c in cases(tmp_path) if c[0] not in ENGINE_CASES]
    assert len(selected) == 6
    name, command, env = selected[index]
    done = subprocess.run(command, env={**os.environ, **env}, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 2, (name, done.stdout, done.stderr)
    assert "Traceback" not in done.stdout + done.stderr, name
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert lines and lines[0].startswith("Erreur : "), (name, done.stderr)

"""`hubbench run` refuses bad prompt-API options with one French line and exit code 2, before any run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE = ["--vendor", "v", "--client-id", "fr.health.samu770", "--link", "15-15"]


@pytest.mark.parametrize(("options", "fragment"), [
    (["--prompt-api-port", "70000"], "--prompt-api-port : port de 0 à 65535"),
    (["--attestation-wait", "-1"], "--attestation-wait : durée positive ou nulle"),
    (["--prompts-jsonl", "/nonexistent-dir/flux.jsonl"], "--prompts-jsonl : impossible d'écrire"),
])
def test_bad_prompt_api_options_are_usage_errors(tmp_path: Path, options: list[str], fragment: str) -> None:
    process = subprocess.run(
        [sys.executable, "-c", "from hubbench.cli import main; main()", "run", *BASE, *options],
        env={**os.environ, "HUBBENCH_HOME": str(tmp_path)}, capture_output=True, text=True, timeout=120,
    )
    assert process.returncode == 2, process.stderr
    assert fragment in process.stderr and "Traceback" not in process.stderr, process.stderr

"""The vendors' CI templates (docs/ci/): both YAML files parse, every `hubbench` command they call
exists (`hubbench <command> --help` exits 0) and takes the options they pass."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
CI_DIR = REPO / "docs" / "ci"
TEMPLATES = {"github": CI_DIR / "github-actions.yml", "gitlab": CI_DIR / "gitlab-ci.yml"}
JOURNEY = {("hub", "up"), ("clients", "add"), ("clients", "bundle"), ("sim",), ("run",), ("hub", "down")}
COMMAND_WORD = re.compile(r"^[a-z][a-z-]*$")
HUBBENCH = str(Path(sys.executable).parent / "hubbench")


def _scripts(kind: str, document: dict[str, Any]) -> list[str]:
    if kind == "github":
        return [step["run"] for job in document["jobs"].values() for step in job["steps"] if "run" in step]
    return [line for job in document.values() if isinstance(job, dict)
            for key in ("before_script", "script", "after_script") for line in job.get(key, [])]


def hubbench_calls(script: str) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """(command path, options) of each `hubbench …` call in a shell script."""
    calls = []
    for line in script.replace("\\\n", " ").splitlines():
        tokens = shlex.split(line, comments=True)
        for start, token in enumerate(tokens):
            if token != "hubbench":
                continue
            rest = tokens[start + 1 :]
            path: list[str] = []
            for word in rest:
                if not COMMAND_WORD.match(word):
                    break
                path.append(word)
            calls.append((tuple(path), tuple(w.split("=")[0] for w in rest if w.startswith("--"))))
    return calls


@cache
def _help(path: tuple[str, ...]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "TERM": "dumb", "NO_COLOR": "1"}
    return subprocess.run([HUBBENCH, *path, "--help"], capture_output=True, text=True, timeout=120,
                          check=False, env=env)


@pytest.mark.parametrize("kind", sorted(TEMPLATES))
def test_template_calls_only_existing_commands_and_options(kind: str) -> None:
    document = yaml.safe_load(TEMPLATES[kind].read_text(encoding="utf-8"))
    calls = [call for script in _scripts(kind, document) for call in hubbench_calls(script)]
    commands = {path for path, _ in calls}
    # the whole journey: hub, client and its bundle, the vendor's system (placeholder), a run, the hub down
    assert commands >= JOURNEY
    for path, options in calls:
        shown = _help(path)
        assert shown.returncode == 0, (path, shown.stderr)
        for option in options:
            assert option in shown.stdout, (path, option)
    assert any("--junit" in options for path, options in calls if path == ("run",))


def test_the_call_reader_sees_commands_and_options() -> None:
    script = 'x && hubbench clients add "$ID" --vhost "$V" \\\n  --editor E\nhubbench hub up # c'
    calls = hubbench_calls(script)
    assert calls == [(("clients", "add"), ("--vhost", "--editor")), (("hub", "up"), ())]

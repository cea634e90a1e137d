"""Start-up of the `hubbench` command: `--help` and `--version` import no room and no heavy library
(each command module is imported only when that command runs), the summaries `hubbench --help` lists
are the commands' own help, and the version printed is the installed distribution's."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from importlib.metadata import version

import pytest

import hubbench
from hubbench.cli import COMMANDS
from hubbench.cli.lazy import LazyCommand

# Libraries that cost hundreds of milliseconds (or a whole framework) to import, and the rooms that pull
# them in: none of them may load before a command actually needs it.
HEAVY = ("pytest", "_pytest", "pytest_bdd", "sqlalchemy", "lxml", "pika", "aiormq", "aio_pika", "pamqp",
         "streamlit", "altair", "jsonschema", "jsonschema_rs", "cryptography", "requests", "yaml",
         "pydantic", "fpdf", "hubsante_model")
ROOMS = ("hubbench.hub", "hubbench.engine", "hubbench.results", "hubbench.protocol", "hubbench.sim",
         "hubbench.campaigns", "hubbench.cases", "hubbench.transport")

_PROBE = """
import contextlib, io, json, sys
sys.argv = ["hubbench", *sys.argv[1:]]
from hubbench.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    try:
        main()
    except SystemExit as exit:
        code = exit.code
print(json.dumps({"code": code, "out": out.getvalue(), "modules": sorted(sys.modules)}))
"""


@dataclass(frozen=True)
class Started:
    code: int | None
    out: str
    modules: list[str]

    def loaded(self, packages: tuple[str, ...]) -> list[str]:
        """Modules of these packages (or the packages themselves) that the command imported."""
        return [m for m in self.modules if any(m == p or m.startswith(f"{p}.") for p in packages)]


def _start(*args: str) -> Started:
    """`hubbench ARGS` in a fresh interpreter: exit code, standard output, every module imported."""
    done = subprocess.run([sys.executable, "-c", _PROBE, *args], capture_output=True, text=True,
                          timeout=120, check=True)
    return Started(**json.loads(done.stdout))


@pytest.mark.parametrize("option", ["--help", "--version"])
def test_help_and_version_import_nothing_heavy(option: str) -> None:
    started = _start(option)
    assert started.code in (0, None)
    assert started.loaded(HEAVY) == []
    assert started.loaded(ROOMS) == []


def test_help_lists_every_command_from_its_summary() -> None:
    listed = _start("--help").out
    for command in COMMANDS:
        assert command.name in listed
        assert command.summary.split()[0] in listed


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.name)
def test_summary_is_the_commands_own_help(command: LazyCommand) -> None:
    real = command.load()
    own = (real.short_help or real.help or "").split("\n\n")[0]
    assert " ".join(command.summary.split()) == " ".join(own.split())


def test_group_help_loads_that_group_only() -> None:
    started = _start("packs", "--help")
    assert started.code in (0, None)
    assert "verify" in started.out
    assert started.loaded(("hubbench.cli.packs",)) == ["hubbench.cli.packs"]
    assert started.loaded(("hubbench.cli.hub", "hubbench.cli.run", "hubbench.engine")) == []


def test_version_is_the_installed_distributions() -> None:
    started = _start("--version")
    assert started.out == f"hubbench {hubbench.__version__}\n"
    assert version("hubbench") == hubbench.__version__

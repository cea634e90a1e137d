"""`hubbench validate` through a real subprocess: exit codes, --json shape, bad inputs, no traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from support.official import MODELS, official

OFFICIAL = MODELS / "official"
HUBBENCH = [sys.executable, "-c", "from hubbench.cli import main; main()"]


def run(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HUBBENCH_HOME": str(tmp_path / "home"),
           "HUBBENCH_PACK_SOURCE": str(MODELS)}
    return subprocess.run([*HUBBENCH, "validate", *args], capture_output=True,
                          text=True, env=env, timeout=120, check=False)


@pytest.fixture(autouse=True)
def _shared() -> None:
    official()


def test_valid_files_exit_0_with_json_lines(tmp_path: Path) -> None:
    files = [OFFICIAL / "samples/valid/RC-EDA/RC-EDA.json", OFFICIAL / "samples/valid/RC-EDA/RC-EDA.xml",
             OFFICIAL / "examples/RS-EDA/RS-EDA_partageDossier_DidierMorel.01a.json"]
    proc = run(["--json", *map(str, files)], tmp_path)
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["kind"] for r in lines] == ["createCase", "createCase", "createCaseHealth"]
    assert [r["form"] for r in lines] == ["envelope", "envelope", "use_case"]
    assert all(r["valid"] and r["pack"] == "3.4.1" and r["errors"] == [] for r in lines)


def test_invalid_file_exit_1_with_scoped_errors(tmp_path: Path) -> None:
    bad = OFFICIAL / "samples/failing/EDXL-DE/error-in-envelope-and-content.json"
    proc = run(["--json", str(bad)], tmp_path)
    assert proc.returncode == 1
    (result,) = [json.loads(line) for line in proc.stdout.splitlines()]
    scopes = {e["scope"] for e in result["errors"]}
    assert scopes == {"envelope", "content"} and not result["valid"]
    assert {"path", "rule", "expected", "found", "message"} <= set(result["errors"][0])
    assert any(e["path"] == "$.senderID" and e["rule"] == "required" for e in result["errors"])


def test_version_and_vhost_choose_the_pack(tmp_path: Path) -> None:
    example = MODELS / "official-1.0/examples/RPIS/RS-RPIS_FemmeEnceinte_DelphineVigneau.03.json"
    assert run(["--version", "1.0", str(example)], tmp_path).returncode == 0
    assert run(["--vhost", "15-smur_v1.4", str(example)], tmp_path).returncode == 0
    pack_dir = MODELS / "official-1.0" / "json-schema"
    assert run(["--pack", str(pack_dir), str(example)], tmp_path).returncode == 0
    assert run(["--version", "3", str(example)], tmp_path).returncode == 1  # 1.x RPIS is not 3.x


def test_bad_inputs_get_one_clear_line_each(tmp_path: Path) -> None:
    (tmp_path / "bom.json").write_bytes(b"\xef\xbb\xbf{}")
    (tmp_path / "empty.json").write_bytes(b"")
    (tmp_path / "text.txt").write_text("bonjour", encoding="utf-8")
    with (tmp_path / "big.json").open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    names = ["bom.json", "empty.json", "text.txt", "big.json"]
    proc = run(["--json", *(str(tmp_path / n) for n in names)], tmp_path)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    rules = [json.loads(line)["errors"][0]["rule"] for line in proc.stdout.splitlines()]
    assert rules == ["bom", "empty", "unknown_format", "too_large"]


@pytest.mark.parametrize("args", [["--version", "9.9", "x.json"], ["/nonexistent/file.json"],
                                  ["--vhost", "15-nope", "x.json"], ["--pack", "/nonexistent", "x.json"]])
def test_usage_errors_exit_2_without_traceback(tmp_path: Path, args: list[str]) -> None:
    (tmp_path / "x.json").write_text("{}", encoding="utf-8")
    proc = subprocess.run([*HUBBENCH, "validate",
                           *[a if a != "x.json" else str(tmp_path / a) for a in args]],
                          capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, "HUBBENCH_HOME": str(tmp_path / "home"),
                               "HUBBENCH_PACK_SOURCE": str(MODELS)})
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr and proc.stderr.startswith("Erreur : ")


def test_provisional_only_exits_3_unless_accepted_explicitly(tmp_path: Path) -> None:
    """No pack can be had (the default source's mirror is a closed port): valid files exit 3, marked
    PROVISOIRE; --accepter-provisoire turns that into 0; an invalid file is still 1."""
    env = {**os.environ, "HUBBENCH_HOME": str(tmp_path / "home"),
           "HUBBENCH_PACK_MIRROR": "http://127.0.0.1:9/{tag}/"}
    env.pop("HUBBENCH_PACK_SOURCE", None)

    def validate(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*HUBBENCH, "validate", *args], capture_output=True, text=True, env=env,
                              timeout=120, check=False)

    good = OFFICIAL / "samples/valid/RC-EDA/RC-EDA.json"
    proc = validate(str(good))
    assert proc.returncode == 3, proc.stderr
    assert proc.stdout.startswith("VALIDE (PROVISOIRE)") and "--accepter-provisoire" in proc.stderr
    accepted = validate("--accepter-provisoire", "--json", str(good))
    assert accepted.returncode == 0, accepted.stderr
    assert json.loads(accepted.stdout)["provisional"] is True and "accepté explicitement" in accepted.stderr
    bad = OFFICIAL / "samples/failing/EDXL-DE/error-in-envelope-and-content.json"
    assert validate("--accepter-provisoire", str(bad)).returncode == 1
    assert "Traceback" not in proc.stderr + accepted.stderr

"""`hubbench packs list | fetch | verify` through the CLI's entry point (in-process `main()`, and a
real subprocess for the end-to-end exit codes), on the official data of ../shared/hubsante-models: as a
directory source, and served over http://127.0.0.1 for downloads. Exit codes 0 / 1 (a cached file
changed) / 2 (clear French error, never a traceback)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from support.official import MODELS, official
from support.pack_server import PackServer, serve_packs

from hubbench.cli import main
from hubbench.home import BenchHome
from hubbench.hub.settings import HubSettings

FILES = {"1.0": 19, "2.2": 24, "3.4.1": 25, "1.3.0": 19, "2.4.0": 24}  # schema closure of each pack
UNREACHABLE = "http://127.0.0.1:9/{tag}/"
SAMPLE = MODELS / "official" / "samples" / "valid" / "RC-EDA" / "RC-EDA.json"


@pytest.fixture(autouse=True)
def _shared() -> None:
    official()


@dataclass(frozen=True)
class Result:
    returncode: int
    stdout: str
    stderr: str


Hubbench = Callable[..., Result]


@pytest.fixture()
def hubbench(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Hubbench:
    """`hubbench(home, source, *args)`: the `hubbench` entry point in-process (exit code, stdout, stderr)."""

    def run(home: Path, source: str | Path | None, *args: str) -> Result:
        monkeypatch.setenv("HUBBENCH_HOME", str(home))
        if source is None:
            monkeypatch.delenv("HUBBENCH_PACK_SOURCE", raising=False)
        else:
            monkeypatch.setenv("HUBBENCH_PACK_SOURCE", str(source))
        monkeypatch.setattr(sys, "argv", ["hubbench", *args])
        capsys.readouterr()
        with pytest.raises(SystemExit) as exit_info:
            main()
        out, err = capsys.readouterr()
        code = exit_info.value.code
        return Result(code if isinstance(code, int) else (0 if code is None else 1), out, err)

    return run


def subprocess_hubbench(home: Path, source: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HUBBENCH_HOME": str(home), "HUBBENCH_PACK_SOURCE": source}
    return subprocess.run([sys.executable, "-c", "from hubbench.cli import main; main()", *args],
                          capture_output=True, text=True, env=env, timeout=180, check=False)


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[PackServer]:
    """The three official packs at http://127.0.0.1:PORT/<tag>/ (a URL template with {tag})."""
    with serve_packs(tmp_path / "www") as running:
        yield running


@pytest.fixture()
def served(server: PackServer) -> str:
    return server.url


def test_list_with_the_shared_directory_as_source(hubbench: Hubbench, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text('[vhosts]\n"15-essai_v9" = "2.2"\n', encoding="utf-8")
    proc = hubbench(home, MODELS, "packs", "list", "--json")
    assert proc.returncode == 0, proc.stderr
    listing = json.loads(proc.stdout)
    assert listing["source"]["kind"] == "directory" and listing["source"]["origin"] == "HUBBENCH_PACK_SOURCE"
    rows = {row["vhost"]: row for row in listing["vhosts"]}
    assert rows["15-15_v1.5"]["tag"] == "1.3.0" and rows["15-nexsis_v1.9"]["tag"] == "2.4.0"
    assert "dernière release" in rows["15-15_v1.5"]["reason"] and "10 cas" in rows["15-smur_v1.6"]["reason"]
    assert rows["15-essai_v9"]["reason"] == "choisi dans [vhosts] de config.toml"
    assert rows["15-smur_v1.7"]["mapping"] == "supposée (source publique non identifiée)"
    assert rows["15-15_v1.5"]["mapping"] == "intégrée"
    assert rows["15-smur_v1.7"]["assumed"] and not rows["15-15_v1.5"]["assumed"]
    assert rows["15-essai_v9"] == {**rows["15-essai_v9"], "mapping": "config [vhosts]", "tag": "2.2"}
    for row in rows.values():
        assert (row["where"], row["ready_offline"], row["provisional_if_offline"]) == ("dossier", True, False)
        assert row["files"] == FILES[row["tag"]] and row["source"].endswith("json-schema")
    assert "acceptée comme 3.4.1" in rows["15-15_v2.1"]["detail"]  # the local HEAD copy is said so
    text = hubbench(home, MODELS, "packs", "list")
    assert text.returncode == 0 and "15-essai_v9" in text.stdout and "lu sur place" in text.stdout
    assert "Pourquoi ce pack :" in text.stdout  # one line per reason, naming its vhosts
    why = text.stdout.split("Pourquoi ce pack :")[1].split("Packs :")[0]
    assert "15-15_v1.5, 15-gps_v1.0, 15-nexsis_v1.8, 15-smur_v1.4 — ligne 1.x" in why


def test_list_with_the_default_source_says_provisional_offline(hubbench: Hubbench, tmp_path: Path) -> None:
    proc = hubbench(tmp_path / "home", None, "packs", "list", "--json")
    assert proc.returncode == 0, proc.stderr
    listing = json.loads(proc.stdout)
    assert listing["source"]["origin"] == "défaut"
    assert "raw.githubusercontent.com" in listing["source"]["value"]
    assert all(not r["ready_offline"] and r["provisional_if_offline"] for r in listing["vhosts"])
    assert "PROVISOIRE" in listing["vhosts"][0]["detail"]


def test_fetch_all_over_http_then_the_cache_serves_offline(
    hubbench: Hubbench, tmp_path: Path, server: PackServer, served: str
) -> None:
    home = tmp_path / "home"
    proc = hubbench(home, served, "packs", "fetch", "--all")
    assert proc.returncode == 0, proc.stderr
    assert "[3.4.1] 25 " in proc.stderr and "[1.3.0] 19 " in proc.stderr  # one progress line per file
    assert "3 pack(s) prêt(s) hors ligne, 0 échec(s)." in proc.stdout
    mapped = {tag: FILES[tag] for tag in ("1.3.0", "2.4.0", "3.4.1")}  # the vhosts' packs
    for tag, count in mapped.items():
        manifest = json.loads((home / "packs" / tag / "manifest.json").read_text(encoding="utf-8"))
        assert len(manifest["files"]) == count and manifest["source"] == served.format(tag=tag)
    downloads = len(server.requests)
    assert downloads == sum(mapped.values())
    again = hubbench(home, served, "packs", "fetch", "--vhost", "15-smur_v1.7")
    assert again.returncode == 0 and "déjà en cache" in again.stdout
    assert len(server.requests) == downloads  # nothing downloaded again
    listing = json.loads(hubbench(home, UNREACHABLE, "packs", "list", "--json").stdout)
    states = {(r["where"], r["checksum"], r["ready_offline"]) for r in listing["vhosts"]}
    assert states == {("cache", "intact", True)}
    # offline (the named source is unreachable): validation runs on the cached pack
    offline = hubbench(home, UNREACHABLE, "validate", "--version", "3", "--json", str(SAMPLE))
    assert offline.returncode == 0, offline.stderr
    assert json.loads(offline.stdout)["pack"] == "3.4.1"


def test_verify_lists_tampered_files_and_fetch_repairs(
    hubbench: Hubbench, tmp_path: Path, served: str
) -> None:
    home = tmp_path / "home"
    for args in (["1.0"], ["--vhost", "15-15_v2.1"]):
        assert hubbench(home, served, "packs", "fetch", *args).returncode == 0
    clean = hubbench(home, served, "packs", "verify")
    assert clean.returncode == 0 and clean.stdout.count(": intact") == 2, clean.stdout
    (home / "packs" / "1.0" / "RC-DE.schema.json").write_text("{}", encoding="utf-8")
    (home / "packs" / "3.4.1" / "RS-EDA.schema.json").unlink()
    (home / "packs" / "3.4.1" / "notes.txt").write_text("ajout", encoding="utf-8")
    proc = hubbench(home, served, "packs", "verify")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "  - modifié : RC-DE.schema.json" in proc.stdout
    assert "  - manquant : RS-EDA.schema.json" in proc.stdout and "  - ajouté : notes.txt" in proc.stdout
    assert "hubbench packs fetch 1.0 --force" in proc.stderr
    one = hubbench(home, served, "packs", "verify", "1.0", "--json")
    report = json.loads(one.stdout)
    assert one.returncode == 1 and not report["ok"]
    assert [(p["tag"], p["changed"]) for p in report["packs"]] == [("1.0", ["RC-DE.schema.json"])]
    repaired = hubbench(home, served, "packs", "fetch", "1.0")
    assert repaired.returncode == 0 and "retéléchargé" in repaired.stdout
    assert hubbench(home, served, "packs", "verify", "1.0").returncode == 0


def test_fetch_all_reports_each_failure_in_the_summary(
    hubbench: Hubbench, tmp_path: Path, served: str
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text('[vhosts]\n"15-futur_v9" = "3.9.9"\n', encoding="utf-8")
    proc = hubbench(home, served, "packs", "fetch", "--all")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "3.9.9  ÉCHEC" in proc.stdout and "HTTP 404" in proc.stdout
    assert "3 pack(s) prêt(s) hors ligne, 1 échec(s)." in proc.stdout
    assert "Erreur : 1 pack(s) sur 4 non disponible(s) hors ligne : 3.9.9." in proc.stderr


@pytest.mark.parametrize(
    ("source", "args", "message"),
    [
        ("shared", ["packs", "verify", "9.9"], "Version de modèle inconnue : '9.9'"),
        ("shared", ["packs", "fetch", "3.9.9"], "Pack 3.9.9 : introuvable dans la source"),
        ("shared", ["packs", "fetch"], "Indiquez exactement un de : TAG"),
        ("shared", ["packs", "fetch", "--vhost", "15-inconnu_v1"], "Vhost inconnu : '15-inconnu_v1'"),
        ("served", ["packs", "fetch", "3.9.9"], "HTTP 404"),
        ("served", ["packs", "verify", "3.4.1"], "Pack 3.4.1 absent du cache"),
        ("served", ["packs", "verify"], "Aucun pack en cache"),
        (UNREACHABLE, ["packs", "fetch", "1.0"], "Source de pack injoignable"),
        ("/nonexistent/packs", ["packs", "fetch", "--all"], "dossier source introuvable"),
        ("empty-dir", ["packs", "verify"], "introuvable dans la source"),
        ("http://127.0.0.1:9/sans-etiquette/", ["packs", "fetch", "1.0"], "Modèle d'URL de pack sans {tag}"),
    ],
)
def test_errors_are_clear_french_and_exit_2(
    hubbench: Hubbench, tmp_path: Path, served: str, source: str, args: list[str], message: str
) -> None:
    chosen = {"shared": str(MODELS), "served": served, "empty-dir": str(tmp_path)}.get(source, source)
    proc = hubbench(tmp_path / "home", chosen, *args)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr and proc.stderr.splitlines()[-1].startswith(("Erreur", "  →"))
    assert message in proc.stderr, proc.stderr


def test_a_bad_tag_in_config_vhosts_is_named(hubbench: Hubbench, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text('[vhosts]\n"15-faux_v1" = "9.9"\n', encoding="utf-8")
    listing = hubbench(home, MODELS, "packs", "list")
    assert listing.returncode == 0 and "15-faux_v1" in listing.stdout and "ERREUR" in listing.stdout
    proc = hubbench(home, MODELS, "packs", "fetch", "--all")
    assert proc.returncode == 2 and "Vhost 15-faux_v1 → pack '9.9'" in proc.stderr, proc.stderr


def test_end_to_end_in_a_subprocess_exit_codes_and_no_traceback(tmp_path: Path, served: str) -> None:
    home = tmp_path / "home"
    fetched = subprocess_hubbench(home, served, "packs", "fetch", "1.0")
    assert fetched.returncode == 0 and "[1.0] 19 " in fetched.stderr, fetched.stderr
    (home / "packs" / "1.0" / "RS-INFO.schema.json").write_bytes(b"{}")
    tampered = subprocess_hubbench(home, served, "packs", "verify")
    assert tampered.returncode == 1 and "  - modifié : RS-INFO.schema.json" in tampered.stdout
    unknown = subprocess_hubbench(home, served, "packs", "fetch", "3.9.9")
    assert unknown.returncode == 2 and "Traceback" not in unknown.stderr
    assert "Erreur : Pack 3.9.9 non téléchargé" in unknown.stderr and "HTTP 404" in unknown.stderr


def test_the_assumed_3x_vhost_names_are_one_setting_shown_as_assumed(hubbench: Hubbench,
                                                                    tmp_path: Path) -> None:
    """`[assumed_vhosts]` renames the assumed 3.x vhosts everywhere (pack map, hub vhosts); `packs list`
    shows them « supposé »; an unknown link is a usage error naming the setting."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text('[assumed_vhosts]\n"15-15" = "15-15_v3.0"\n', encoding="utf-8")
    listing = json.loads(hubbench(home, MODELS, "packs", "list", "--json").stdout)
    rows = {row["vhost"]: row for row in listing["vhosts"]}
    assert "15-15_v2.1" not in rows and rows["15-15_v3.0"]["tag"] == "3.4.1" and rows["15-15_v3.0"]["assumed"]
    assert rows["15-smur_v1.7"]["assumed"] and not rows["15-smur_v1.4"]["assumed"]
    assert rows["15-15_v3.0"]["reason"] == rows["15-smur_v1.7"]["reason"]  # renamed, same line's reason
    vhosts = HubSettings.load(BenchHome(home)).vhosts
    assert "15-15_v3.0" in vhosts and "15-15_v2.1" not in vhosts and "15-smur_v1.7" in vhosts
    text = hubbench(home, MODELS, "packs", "list").stdout
    assert any(line.startswith("15-15_v3.0") and " supposé " in line for line in text.splitlines())
    assert "[assumed_vhosts]" in text
    (home / "config.toml").write_text('[assumed_vhosts]\n"15-XYZ" = "x"\n', encoding="utf-8")
    bad = hubbench(home, MODELS, "packs", "list")
    assert bad.returncode == 2 and "[assumed_vhosts]" in bad.stderr and "15-XYZ" in bad.stderr

"""Pack loading: directory layouts, versions and vhosts, download through HTTP with a cache, fallbacks."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.official import MODELS, official
from support.pack_server import PackServer, serve_packs

from hubbench.errors import SetupError, UsageError
from hubbench.protocol import packs
from hubbench.protocol.packs import MANIFEST, VHOST_PACKS, load_pack
from hubbench.protocol.validator import validator_for


@pytest.fixture()
def shared_source(isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HUBBENCH_PACK_SOURCE", str(official()))
    return MODELS


@pytest.mark.parametrize(("version", "tag", "line"), [("1.0", "1.0", "1"), ("1", "1.3.0", "1"),
                                                      ("2.2", "2.2", "2"), ("2", "2.4.0", "2"),
                                                      ("1.3.0", "1.3.0", "1"), ("3", "3.4.1", "3"),
                                                      ("3.4.1", "3.4.1", "3")])
def test_versions_from_a_shared_like_directory(shared_source: Path, version: str, tag: str,
                                               line: str) -> None:
    pack = load_pack(version=version)
    assert (pack.tag, pack.line, pack.provisional) == (tag, line, False)
    assert "$id" not in pack.schemas["EDXL-DE-full.schema.json"]
    if line == "3":
        assert pack.note and "3.4.1" in pack.note  # the local HEAD copy is accepted as 3.4.1


def test_kinds_are_read_from_each_pack(shared_source: Path) -> None:
    kinds1 = load_pack(version="1.0").kinds()
    kinds3 = load_pack(version="3").kinds()
    assert kinds1["rpis"] == ("RPIS.schema.json", True) and kinds1["info"] == ("RS-INFO.schema.json", False)
    assert "geoPositionsUpdate" in kinds1 and "technical" not in kinds1
    assert kinds3["rpis"] == ("RS-RPIS.schema.json", True) and "info" not in kinds3
    assert kinds3["technicalNoreq"][1] is False and kinds3["appointment"][1] is True


def test_vhosts_map_to_lines_and_config_overrides(shared_source: Path, isolated_home: Path) -> None:
    assert load_pack(vhost="15-15_v1.5").tag == "1.3.0"
    assert load_pack(vhost="/15-nexsis_v1.9").tag == "2.4.0"
    assert load_pack(vhost="15-smur_v1.6").directory.parent.name == "official-2.4.0"
    assert VHOST_PACKS["15-smur_v1.7"] == "3.4.1"
    isolated_home.mkdir(parents=True)
    (isolated_home / "config.toml").write_text('[vhosts]\n"15-test_v9" = "1.0"\n', encoding="utf-8")
    from hubbench.home import BenchHome

    assert load_pack(vhost="15-test_v9", home=BenchHome.from_env()).tag == "1.0"


@pytest.mark.parametrize("kwargs", [{"version": "9.9"}, {"version": "../x"}, {"vhost": "15-unknown"},
                                    {"version": "1.0", "vhost": "15-15_v1.5"}])
def test_usage_errors(shared_source: Path, kwargs) -> None:
    with pytest.raises(UsageError):
        load_pack(**kwargs)


def test_pack_directory_forms(tmp_path: Path) -> None:
    json_schema = official("official-2.2", "json-schema")
    assert load_pack(directory=json_schema).line == "2"
    assert load_pack(directory=json_schema.parent).tag == "2.2"
    for tag in ("1.3.0", "2.4.0"):  # VERSION.txt "Tag : 1.3.0" names the folder's tag
        assert load_pack(directory=official(f"official-{tag}")).tag == tag
    with pytest.raises(UsageError):
        load_pack(directory=tmp_path)


def test_broken_ref_is_a_setup_error(tmp_path: Path) -> None:
    src = official("official", "json-schema")
    copy = tmp_path / "json-schema"
    shutil.copytree(src, copy)
    (copy / "RS-EDA.schema.json").unlink()
    with pytest.raises(SetupError, match=r"RS-EDA\.schema\.json"):
        load_pack(directory=copy)


RAW_GITHUB_LAYOUT = "ansforge/SAMU-Hub-Modeles/{tag}/src/main/resources/json-schema"


@pytest.fixture()
def raw_github(tmp_path: Path) -> Iterator[PackServer]:
    """A 127.0.0.1 server laid out like raw.githubusercontent (<org>/<repo>/<tag>/src/main/resources/…)."""
    with serve_packs(tmp_path / "www", RAW_GITHUB_LAYOUT) as server:
        yield server


def test_download_through_a_url_template_then_cache(raw_github: PackServer, isolated_home: Path,
                                                     monkeypatch: pytest.MonkeyPatch, val3) -> None:
    monkeypatch.setenv("HUBBENCH_PACK_SOURCE", raw_github.url)
    pack = load_pack(version="3")
    assert pack.tag == "3.4.1" and not pack.provisional
    assert pack.directory == isolated_home / "packs" / "3.4.1"
    manifest = json.loads((pack.directory / MANIFEST).read_text(encoding="utf-8"))
    assert len(manifest["files"]) == len(pack.schemas) == 25
    assert pack.digest == val3.pack.digest  # same schemas as the local copy
    seen = len(raw_github.requests)
    assert load_pack(version="3").digest == pack.digest
    assert len(raw_github.requests) == seen  # served from the verified cache
    (pack.directory / "RC-DE.schema.json").write_text("{}", encoding="utf-8")  # tampered cache → refetch
    assert load_pack(version="3").digest == pack.digest
    assert len(raw_github.requests) > seen
    assert load_pack(version="1.0").line == "1"


def test_named_source_unreachable_is_a_setup_error(isolated_home: Path, monkeypatch) -> None:
    monkeypatch.setenv("HUBBENCH_PACK_SOURCE", "http://127.0.0.1:9/{tag}/")
    with pytest.raises(SetupError, match="injoignable"):
        load_pack(version="3")
    monkeypatch.setenv("HUBBENCH_PACK_SOURCE", "/nonexistent/packs")
    with pytest.raises(SetupError):
        load_pack(version="3")


def test_no_pack_at_all_falls_back_to_provisional_hubsante_model(isolated_home: Path, monkeypatch,
                                                                  caplog) -> None:
    monkeypatch.setattr(packs, "DEFAULT_SOURCE", "http://127.0.0.1:9/{tag}/")
    pack = load_pack(version="3")
    assert pack.provisional and "PROVISOIRES" in (pack.note or "")
    assert "PROVISOIRES" in caplog.text
    validator = validator_for(pack)
    good = {"reference": {"distributionID": "fr.health.samuA_1"}}
    assert validator.validate_use_case(good).valid and validator.validate_use_case(good).provisional
    assert not validator.validate_use_case({"reference": {"refused": "pas un booléen"}}).valid

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.official import official

from hubbench.cases.material import EXAMPLES_PATH, TEST_CASES_PATH, material_for
from hubbench.errors import SetupError
from hubbench.home import BenchHome
from hubbench.protocol.packs import MANIFEST, SchemaPack

ROOT = "https://example.invalid/ansforge/SAMU-Hub-Modeles/3.4.1/"


def _downloaded_pack(tmp_path: Path, source: str) -> SchemaPack:
    """A pack as `packs.download_pack` leaves it: a cache folder with a manifest naming its source."""
    folder = tmp_path / "packs" / "3.4.1"
    folder.mkdir(parents=True)
    (folder / MANIFEST).write_text(json.dumps({"tag": "3.4.1", "source": source, "files": {}}))
    return SchemaPack(tag="3.4.1", line="3", directory=folder, source=source)


def test_local_copy_layout(pack: SchemaPack) -> None:
    material = material_for(pack)
    files = material.example_files()
    assert "RS-EDA" in files and "EMSI" in files
    assert list(material.example("RS-EDA", files["RS-EDA"][0])) == ["createCaseHealth"]


def test_remote_material_is_fetched_once_then_read_from_the_cache(tmp_path: Path) -> None:
    line3 = official("official")
    served = {
        ROOT + EXAMPLES_PATH + "messagesList.json": line3 / "examples" / "messagesList.json",
        ROOT + EXAMPLES_PATH + "RS-EDA/RS-EDA_partageDossier_DidierMorel.01a.json":
            line3 / "examples" / "RS-EDA" / "RS-EDA_partageDossier_DidierMorel.01a.json",
        ROOT + TEST_CASES_PATH: line3 / "test-cases" / "test_cases.json",
    }
    fetched: list[str] = []

    def fetch(url: str) -> bytes:
        fetched.append(url)
        if url not in served:
            raise SetupError(f"HTTP 404 {url}")
        return served[url].read_bytes()

    pack = _downloaded_pack(tmp_path, ROOT + "src/main/resources/json-schema/")
    home = BenchHome(tmp_path)
    material = material_for(pack, home=home, fetch=fetch)
    example = material.example("RS-EDA", "RS-EDA_partageDossier_DidierMorel.01a.json")
    assert example["createCaseHealth"]["owner"] == "fr.health.samu770"
    assert len(material.test_cases()) == 2
    assert "RS-EDA_partageDossier_DidierMorel.01a.json" in material.example_files()["RS-EDA"]
    assert len(fetched) == 3
    again = material_for(pack, home=home, fetch=fetch)
    again.example("RS-EDA", "RS-EDA_partageDossier_DidierMorel.01a.json")
    again.test_cases()
    assert len(fetched) == 3  # cached under <home>/packs/material/<tag>/
    assert (tmp_path / "packs" / "material" / "3.4.1" / "test-cases" / "test_cases.json").is_file()
    with pytest.raises(SetupError, match="404"):
        material.example("RS-EDA", "absent.json")


def test_source_without_the_repository_layout_is_refused(tmp_path: Path) -> None:
    pack = _downloaded_pack(tmp_path, "https://mirror.invalid/{tag}/schemas/")
    with pytest.raises(SetupError, match="src/main/resources/json-schema/"):
        material_for(pack, home=BenchHome(tmp_path), fetch=lambda url: b"{}")


def test_missing_local_file_is_a_french_setup_error(pack3: SchemaPack) -> None:
    with pytest.raises(SetupError, match="Exemple officiel introuvable"):
        material_for(pack3).example("RS-EDA", "absent.json")

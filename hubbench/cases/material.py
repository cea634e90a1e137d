"""Official material of a pack beyond its schemas: the use-case examples and `test_cases.json`.

Found next to the pack's schemas, through the same source as `protocol.packs`:
* a local pack folder `…/json-schema` laid out like `../shared/hubsante-models/official*`
  (`../examples/<model>/<file>`, `../test-cases/test_cases.json`) or like a checkout of the official
  repository (`src/main/resources/sample/examples/…`, `csv_parser/out/test_cases.json`);
* a pack downloaded through a URL template ending in `src/main/resources/json-schema/` (the default
  GitHub source): the same repository root gives `src/main/resources/sample/examples/<model>/<file>`
  and `csv_parser/out/test_cases.json`, fetched on demand and cached under
  `<home>/packs/material/<tag>/` (tags start with a digit, so this never meets a pack folder).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hubbench.cases.test_cases import CaseCategory, CaseStep, parse_test_cases
from hubbench.errors import SetupError
from hubbench.home import BenchHome
from hubbench.protocol import SchemaPack, packs

SCHEMA_SUFFIX = "src/main/resources/json-schema/"
EXAMPLES_PATH = "src/main/resources/sample/examples/"
TEST_CASES_PATH = "csv_parser/out/test_cases.json"
MESSAGES_LIST = "messagesList.json"

Fetch = Callable[[str], bytes]


@dataclass(frozen=True)
class PackMaterial:
    """Examples and test cases of one pack tag; `read(relative)` returns decoded JSON."""

    tag: str
    origin: str
    read: Callable[[str], Any]
    list_examples: Callable[[], dict[str, list[str]]]

    def example(self, model: str, file: str) -> Any:
        return self.read(f"examples/{model}/{file}")

    def step_example(self, step: CaseStep) -> Any:
        return self.example(step.model, step.file)

    def example_files(self) -> dict[str, list[str]]:
        """Model folder → its JSON example files, sorted."""
        return self.list_examples()

    def test_cases(self) -> list[CaseCategory]:
        return parse_test_cases(self.read("test-cases/test_cases.json"))


def material_for(pack: SchemaPack, *, home: BenchHome | None = None,
                 fetch: Fetch | None = None) -> PackMaterial:
    """The material of `pack`, local when its schemas are local, else fetched next to them."""
    if pack.directory is not None and not (pack.directory / packs.MANIFEST).is_file():
        return _local(pack)
    root = _repository_root(pack)
    cache = (home or BenchHome.from_env()).packs_dir / "material" / pack.tag
    return _remote(pack.tag, root, cache, fetch or packs._fetch)


def _local(pack: SchemaPack) -> PackMaterial:
    assert pack.directory is not None
    schema_dir = pack.directory
    layouts = [
        (schema_dir.parent / "examples", schema_dir.parent / "test-cases" / "test_cases.json"),
        (schema_dir.parent / "sample" / "examples",
         schema_dir.parents[3] / TEST_CASES_PATH if len(schema_dir.parents) > 3 else schema_dir / "none"),
    ]
    examples, test_cases = next(((e, t) for e, t in layouts if e.is_dir()), layouts[0])

    def read(relative: str) -> Any:
        kind, _, rest = relative.partition("/")
        path = examples / rest if kind == "examples" else test_cases
        if not path.is_file():
            what = "Exemple officiel" if kind == "examples" else "Fichier test_cases.json"
            raise SetupError(f"{what} introuvable pour le pack {pack.tag} : {path}")
        return _decode(path.read_bytes(), str(path))

    def list_examples() -> dict[str, list[str]]:
        if not examples.is_dir():
            raise SetupError(f"Dossier d'exemples introuvable pour le pack {pack.tag} : {examples}")
        return {d.name: sorted(f.name for f in d.glob("*.json")) for d in sorted(examples.iterdir())
                if d.is_dir()}

    return PackMaterial(pack.tag, str(examples.parent), read, list_examples)


def _repository_root(pack: SchemaPack) -> str:
    base = pack.source if "://" in pack.source else packs.DEFAULT_SOURCE.format(tag=pack.tag)
    if pack.directory is not None and (pack.directory / packs.MANIFEST).is_file():
        manifest = json.loads((pack.directory / packs.MANIFEST).read_text(encoding="utf-8"))
        base = str(manifest.get("source", base))
    base = base if base.endswith("/") else base + "/"
    if not base.endswith(SCHEMA_SUFFIX):
        raise SetupError(
            f"Impossible de trouver les exemples du pack {pack.tag} : la source {base} ne se termine pas par "
            f"{SCHEMA_SUFFIX} (indiquez un dossier local avec --pack ou HUBBENCH_PACK_SOURCE)."
        )
    return base[: -len(SCHEMA_SUFFIX)]


def _remote(tag: str, root: str, cache: Path, fetch: Fetch) -> PackMaterial:
    remote_paths = {"examples": EXAMPLES_PATH, "test-cases": "csv_parser/out/"}

    def read(relative: str) -> Any:
        local = cache / relative
        if not local.is_file():
            kind, _, rest = relative.partition("/")
            url = root + remote_paths[kind] + rest
            data = fetch(url)
            _decode(data, url)
            _write_atomic(local, data)
        return _decode(local.read_bytes(), str(local))

    def list_examples() -> dict[str, list[str]]:
        listing = read(f"examples/{MESSAGES_LIST}")
        files: dict[str, list[str]] = {}
        for group in listing if isinstance(listing, list) else []:
            for entry in group.get("examples", []) if isinstance(group, dict) else []:
                model, _, name = str(entry.get("file", "")).partition("/")
                if name.endswith(".json"):
                    files.setdefault(model, []).append(name)
        return {model: sorted(set(names)) for model, names in sorted(files.items())}

    return PackMaterial(tag, root, read, list_examples)


def _decode(data: bytes, origin: str) -> Any:
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SetupError(f"Fichier officiel illisible : {origin} ({exc})") from exc


def _write_atomic(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".part.", dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        raise SetupError(f"Écriture du cache d'exemples impossible : {path} ({exc})") from exc

"""A pack's provenance: checksum of its schema files, the provisional and pack-less cases, and the
loud lines `hub status` prints for them."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from support.official import official

from hubbench.hub.supervision import pack_warnings
from hubbench.protocol.packs import pack_from_directory, provisional_pack
from hubbench.protocol.provenance import Provenance, pack_checksum, provisional_label


def test_checksum_is_over_the_schema_files_and_changes_with_any_of_them(tmp_path: Path) -> None:
    folder = official("official-1.0", "json-schema")
    pack = pack_from_directory(folder, tag="1.0")
    lines = [f"{name}\0{hashlib.sha256((folder / name).read_bytes()).hexdigest()}\n"
             for name in sorted(pack.schemas)]
    expected = hashlib.sha256("".join(lines).encode()).hexdigest()
    provenance = Provenance.of(pack, "15-15_v1.5")
    assert (provenance.checksum, provenance.source, provenance.provisional) == (expected, str(folder), False)
    assert provenance.warning_fr is None and provenance.summary_fr.startswith("pack 1.0 · source ")
    copy = tmp_path / "json-schema"
    shutil.copytree(folder, copy)
    (copy / "RC-DE.schema.json").write_text((folder / "RC-DE.schema.json").read_text() + " ")
    assert pack_checksum(pack_from_directory(copy, tag="1.0")) not in (None, expected)


def test_provisional_and_missing_packs_are_loud_and_the_engine_can_only_lower_the_evidence() -> None:
    fallback = Provenance.of(provisional_pack("1.0", reason="Source de pack injoignable (X)."), "15-15_v1.5")
    assert fallback.provisional and fallback.checksum is None
    assert fallback.source.startswith("pypi:hubsante-model==")
    warning = fallback.warning_fr or ""
    assert "validation PROVISOIRE" in warning and "injoignable" in warning
    missing = Provenance.missing("15-smur_v1.4", "1.0", "dossier introuvable")
    assert "répond 301" in (missing.warning_fr or "") and not missing.available
    official = Provenance("1.0", "/packs/1.0", "ab" * 32, vhost="15-15_v1.5")
    assert official.with_engine(official) is official
    lowered = official.with_engine(fallback)
    assert lowered.provisional and lowered.checksum == official.checksum
    assert "moteur" in (lowered.reason or "")
    assert Provenance.from_json(lowered.as_json()) == lowered and Provenance.from_json(None) is None
    lines = pack_warnings({"15-15_v1.5": official.as_json(), "15-smur_v1.4": missing.as_json()})
    assert len(lines) == 1 and lines[0].startswith("ATTENTION vhost 15-smur_v1.4")
    assert provisional_label("réussi", True) == "réussi (provisoire)" and provisional_label("x", False) == "x"

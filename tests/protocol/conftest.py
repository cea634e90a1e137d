"""Fixtures of the protocol room: official packs (support/official.py) and an isolated bench home."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.official import LINE_DIRS, official_pack

from hubbench.protocol.packs import SchemaPack


@pytest.fixture(scope="session")
def packs() -> dict[str, SchemaPack]:
    return {line: official_pack(line) for line in LINE_DIRS}


@pytest.fixture()
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private bench home and no pack source from the environment."""
    monkeypatch.setenv("HUBBENCH_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("HUBBENCH_PACK_SOURCE", raising=False)
    return tmp_path / "home"

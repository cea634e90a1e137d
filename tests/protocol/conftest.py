"""Fixtures of the protocol room: official packs, examples and samples read from ../shared."""

from __future__ import annotations

from pathlib import Path

import pytest
from protocol_data import LINE_DIRS, SHARED, shared_or_skip

from hubbench.protocol.packs import SchemaPack, load_pack
from hubbench.protocol.validator import PackValidator, validator_for


@pytest.fixture(scope="session")
def packs() -> dict[str, SchemaPack]:
    shared_or_skip(SHARED)
    return {line: load_pack(directory=SHARED / d) for line, d in LINE_DIRS.items()}


@pytest.fixture(scope="session")
def pack3(packs: dict[str, SchemaPack]) -> SchemaPack:
    return packs["3"]


@pytest.fixture(scope="session")
def val3(pack3: SchemaPack) -> PackValidator:
    return validator_for(pack3)


@pytest.fixture()
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private bench home and no pack source from the environment."""
    monkeypatch.setenv("HUBBENCH_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("HUBBENCH_PACK_SOURCE", raising=False)
    return tmp_path / "home"

"""Fixtures of the cases room: the official packs and their material, read from ../shared."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from hubbench.cases.material import PackMaterial, material_for
from hubbench.protocol.packs import SchemaPack, load_pack

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "hubsante-models"
PACK_DIRS = {"3": "official", "2": "official-2.2", "1": "official-1.0", "2.4.0": "official-2.4.0",
             "1.3.0": "official-1.3.0"}
PARIS_SUMMER = timezone(timedelta(hours=2))


def shared_or_skip(path: Path) -> Path:
    """The shared official data, or skip (fail when CI is set: the data must be there)."""
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"données officielles absentes en CI : {path}")
        pytest.skip(f"données officielles absentes : {path}")
    return path


@pytest.fixture(scope="session")
def fixed_clock():
    return lambda: datetime(2025, 6, 3, 14, 7, 33, tzinfo=PARIS_SUMMER)


@pytest.fixture(scope="session", params=sorted(PACK_DIRS))
def pack(request: pytest.FixtureRequest) -> SchemaPack:
    return load_pack(directory=shared_or_skip(SHARED / PACK_DIRS[request.param]))


@pytest.fixture(scope="session")
def pack3() -> SchemaPack:
    return load_pack(directory=shared_or_skip(SHARED / PACK_DIRS["3"]))


@pytest.fixture(scope="session")
def material3(pack3: SchemaPack) -> PackMaterial:
    return material_for(pack3)

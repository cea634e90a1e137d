"""Fixtures of the conversion room: the 3.x pack, its validator and its official examples.

The pack is found through `HUBBENCH_PACK_SOURCE` = `../shared/hubsante-models` like a user's local source
(`protocol.packs`), its examples through `cases.material`; missing data skips, and fails under CI.
"""

from __future__ import annotations

import os

import pytest
from conversion_data import SHARED

from hubbench.cases.material import PackMaterial, material_for
from hubbench.errors import SetupError
from hubbench.home import BenchHome
from hubbench.protocol.packs import SchemaPack, load_pack
from hubbench.protocol.validator import PackValidator, validator_for


@pytest.fixture(scope="session")
def pack3(tmp_path_factory: pytest.TempPathFactory) -> SchemaPack:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HUBBENCH_PACK_SOURCE", str(SHARED.resolve()))
        home = tmp_path_factory.mktemp("home")
        patch.setenv("HUBBENCH_HOME", str(home))
        try:
            pack = load_pack(version="3", home=BenchHome(home))
        except SetupError as exc:
            if os.environ.get("CI"):
                pytest.fail(f"données officielles absentes en CI : {exc}")
            pytest.skip(f"données officielles absentes : {exc}")
    assert not pack.provisional, "the official 3.x schemas must be found, not the provisional fallback"
    return pack


@pytest.fixture(scope="session")
def val3(pack3: SchemaPack) -> PackValidator:
    return validator_for(pack3)


@pytest.fixture(scope="session")
def material3(pack3: SchemaPack) -> PackMaterial:
    return material_for(pack3)

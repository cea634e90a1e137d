"""Helpers of the reliability tests: where the official models are, and the official 3.x pack."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hubbench.protocol.packs import SchemaPack, load_pack

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO / "../shared/hubsante-models"


def official_pack() -> SchemaPack:
    schemas = SHARED / "official" / "json-schema"
    if not schemas.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"official schemas missing in CI: {schemas}")
        pytest.skip(f"official schemas absent: {schemas}")
    return load_pack(directory=schemas)

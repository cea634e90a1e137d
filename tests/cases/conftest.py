"""Fixtures of the cases room: the official packs and their material (support/official.py)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from support.official import LINE_DIRS, official_pack

from hubbench.protocol.packs import SchemaPack

PARIS_SUMMER = timezone(timedelta(hours=2))


@pytest.fixture(scope="session")
def fixed_clock():
    return lambda: datetime(2025, 6, 3, 14, 7, 33, tzinfo=PARIS_SUMMER)


@pytest.fixture(scope="session", params=sorted(LINE_DIRS))
def pack(request: pytest.FixtureRequest) -> SchemaPack:
    return official_pack(request.param)

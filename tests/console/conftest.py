from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # bench_app is not an installed package
    sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).parent))

from live_prompt import live  # noqa: E402, F401  (a fixture for the step-control pages)
from runs_fixture import Filled, populate  # noqa: E402
from support.browser import need_browser, serving_console  # noqa: E402
from support.hub import pick_free_ports  # noqa: E402
from support.postgres import pg_schema_url  # noqa: E402


def _use_db(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, url: str) -> Filled:
    monkeypatch.setenv("HUBBENCH_DB_URL", url)
    monkeypatch.setenv("HUBBENCH_HOME", str(tmp_path / "home"))
    return populate(url)


@pytest.fixture
def filled(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Filled:
    """A SQLite results database filled by engine events; the console reads it (HUBBENCH_DB_URL)."""
    return _use_db(monkeypatch, tmp_path, f"sqlite:///{tmp_path / 'results.db'}")


@pytest.fixture
def filled_pg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Filled]:
    with pg_schema_url("hb_console") as url:
        yield _use_db(monkeypatch, tmp_path, url)


@pytest.fixture
def console_url(filled: Filled, tmp_path: Path) -> Iterator[str]:
    """`hubbench console` on a free port of 127.0.0.1 over `filled` (Chromium required)."""
    need_browser()
    (port,) = pick_free_ports(1)  # outside the ephemeral range: no outgoing connection takes it meanwhile
    args = ["--port", str(port), "--db", filled.url, "--home", str(tmp_path / "home")]
    with serving_console(args, f"http://127.0.0.1:{port}", tmp_path / "console.log") as url:
        yield url


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """Bytes of every download button the page builds, by file name."""
    captured: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def spy(
        self: MemoryMediaFileStorage, path_or_data: Any, mimetype: str, kind: Any, filename: str | None = None
    ) -> str:
        if isinstance(path_or_data, bytes) and filename:
            captured[filename] = path_or_data
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", spy)
    return captured

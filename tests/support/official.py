"""The official models the tests read (never copied into the repository), and their guard.

`MODELS` is the folder laid out like `../shared/hubsante-models` (`official/` for the 3.x line,
`official-2.2/`, `official-1.0/`, …): `HUBBENCH_PACK_SOURCE` when it names a local directory, else the
`shared/hubsante-models` folder next to the repository. A test that needs them calls `official(...)`:
absent, it skips locally and fails under CI.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from hubbench.home import PACK_SOURCE_ENV
from hubbench.protocol.packs import SchemaPack, load_pack
from support.ci import skip_or_fail

REPO = Path(__file__).resolve().parents[2]
# Model line or tag → folder of MODELS (line "3" = the 3.x line, tag 3.4.1; "2" = 2.2; "1" = 1.0: the first
# packs; tags 1.3.0 and 2.4.0: the default vhosts' packs).
LINE_DIRS = {"3": "official", "2": "official-2.2", "1": "official-1.0", "2.4.0": "official-2.4.0",
             "1.3.0": "official-1.3.0"}
# Library version (as `hubbench packs` names them) → key of LINE_DIRS.
VERSION_LINES = {"3.4.1": "3", "2.2": "2", "1.0": "1", "2.4.0": "2.4.0", "1.3.0": "1.3.0"}


def _models_root() -> Path:
    source = os.environ.get(PACK_SOURCE_ENV, "")
    if source and "://" not in source and Path(source).is_dir():
        return Path(source).resolve()
    return (REPO.parent / "shared" / "hubsante-models").resolve()


MODELS = _models_root()


def official(*parts: str) -> Path:
    """`MODELS / parts…` (e.g. `official("official", "examples")`), or skip (fail under CI) when absent."""
    path = MODELS.joinpath(*parts)
    if not path.exists():
        skip_or_fail(f"données officielles absentes : {path} (dossier ../shared/hubsante-models ou "
                     f"{PACK_SOURCE_ENV})")
    return path


def line_dir(line: str) -> Path:
    """The folder of a model line ("1", "2", "3") or tag ("1.3.0", "2.4.0"), guarded."""
    return official(LINE_DIRS[line])


@functools.cache
def official_pack(line: str = "3") -> SchemaPack:
    """The official pack of a model line (guarded; loaded once per session)."""
    return load_pack(directory=line_dir(line))

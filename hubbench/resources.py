"""Where the bench's resources that are not the `hubbench` package itself live.

The console (bench_app/), the scenarios (features/), their steps (steps/, with steps/pytest.ini) and the
provisional schemas (schemas/) sit beside the package in a checkout (and an editable install). A built
wheel carries them inside the package, in its `_assets` folder (copied by setup.py at build time).
Every module that locates one of them goes through here.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
BUNDLED_DIR = PACKAGE_DIR / "_assets"  # in a wheel only (setup.py, `build_py`)
ASSETS = ("bench_app", "features", "steps", "schemas")  # top-level directories of the checkout


def _assets_root() -> Path:
    """The package's `_assets` folder in an installed wheel, else the checkout's root."""
    return BUNDLED_DIR if (BUNDLED_DIR / "steps").is_dir() else PACKAGE_DIR.parent


ASSETS_ROOT = _assets_root()
CONSOLE_DIR = ASSETS_ROOT / "bench_app"
CONSOLE_SCRIPT = CONSOLE_DIR / "app.py"
FEATURES_DIR = ASSETS_ROOT / "features"
STEPS_DIR = ASSETS_ROOT / "steps"
SCHEMAS_DIR = ASSETS_ROOT / "schemas"
MIGRATIONS_DIR = PACKAGE_DIR / "results" / "migrations"  # a package of hubbench: in every install


def checkout_root() -> Path | None:
    """The repository root when the bench runs from a checkout (editable install), else None."""
    root = PACKAGE_DIR.parent
    return root if (root / "pyproject.toml").is_file() and (root / "steps").is_dir() else None


def shared_packs() -> Path | None:
    """The official model packs beside a checkout (`../shared/hubsante-models`), a development aid only:
    an installed bench takes its packs from HUBBENCH_PACK_SOURCE or downloads them."""
    root = checkout_root()
    return None if root is None else root.parent / "shared" / "hubsante-models"

"""Collects every feature (tiers are selected by the engine plugin from their tags).

Run by `hubbench.engine.runner` only; step definitions (steps/*.py) are registered as plugins there.
"""

from pathlib import Path

from pytest_bdd import scenarios

scenarios(str(Path(__file__).resolve().parent.parent / "features"))

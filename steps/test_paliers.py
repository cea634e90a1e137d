"""Collects every feature (tiers are selected by the engine plugin from their tags).

Run by `hubbench.engine.runner` only; step definitions (steps/*.py) are registered as plugins there.
"""

from pytest_bdd import scenarios

from hubbench.resources import FEATURES_DIR

scenarios(str(FEATURES_DIR))

"""The published coverage table (docs/couverture.md, docs/couverture.json) is the one the scenarios give:
every `@exigence-<id>` tag names an item of features/exigences.yaml, and every cell of every item has
scenarios (checked or « à attester ») or a statut with its reason. Regenerate with
`hubbench couverture --ecrire`."""

from __future__ import annotations

import pytest

from hubbench.engine.coverage import CellState, Coverage, coverage_of
from hubbench.engine.coverage_text import render_json, render_markdown
from hubbench.resources import FEATURES_DIR, checkout_root

ROOT = checkout_root()
UNCOVERED = {CellState.IN_PROGRESS, CellState.NOT_COVERED}


@pytest.fixture(scope="module")
def coverage() -> Coverage:
    return coverage_of(FEATURES_DIR)


def test_every_requirement_tag_is_defined(coverage: Coverage) -> None:
    assert not coverage.unknown, "Étiquettes @exigence inconnues de features/exigences.yaml :\n" + "\n".join(
        f"@exigence-{ident} ({where})" for ident, where in coverage.unknown)


def test_every_cell_has_scenarios_an_attestation_or_a_reason(coverage: Coverage) -> None:
    assert not coverage.unexplained, "Cases sans scénario ni raison :\n" + "\n".join(
        f"{c.requirement.id} ({c.link}, {c.role})" for c in coverage.unexplained)
    assert all(c.scenarios or c.state in UNCOVERED for c in coverage.cells)
    tiers = {c.requirement.tier for c in coverage.cells}
    assert set(range(1, 8)) <= tiers, tiers  # tiers 1–7 all present (and Robustesse)


def test_the_published_table_is_up_to_date(coverage: Coverage) -> None:
    assert ROOT is not None, "the tests run from a checkout"
    rendered = {"couverture.md": render_markdown(coverage), "couverture.json": render_json(coverage)}
    for name, text in rendered.items():
        published = (ROOT / "docs" / name).read_text(encoding="utf-8")
        assert published == text, f"docs/{name} n'est pas à jour : lancer « hubbench couverture --ecrire »"

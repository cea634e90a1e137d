"""The coverage join (`hubbench.engine.coverage`) and its French renderings, on small written inputs."""

from __future__ import annotations

import ast
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from hubbench.cli import main
from hubbench.engine.coverage import (
    ATTESTATION_STEP,
    CellState,
    RequirementsError,
    ScenarioRef,
    build_coverage,
    parse_feature,
    parse_requirements,
)
from hubbench.engine.coverage_text import coverage_json, render_markdown, render_text
from hubbench.resources import STEPS_DIR

FEATURE = """# language: fr
@palier-4 @role-lrm
Fonctionnalité: Exemple
  Contexte:
    Soit le système de l'éditeur est connecté au hub

  @15-15 @exigence-a
  Scénario: Vérifié par la machine
    Alors le système l'acquitte

  @tous-liens @exigence-a @exigence-b
  Scénario: Attesté
    Alors une personne atteste "cle" : une question [règle]

  @15-15 @exigence-b
  Scénario: Mixte
    Soit le dossier initial partagé par le partenaire
    Quand le banc joue les étapes du cas
    Alors une personne atteste les valeurs affichées

  @15-NexSIS @lrm-sante @exigence-c
  Plan du Scénario: Réception <x>
    Quand le partenaire envoie <x>

    @exigence-d
    Exemples:
      | x |
      | 1 |

  Règle: Une règle
    @role-tablette @15-SMUR @exigence-inconnue
    Scénario: Tablette
      Alors le système l'acquitte
"""


def _items(*extra: dict[str, Any]) -> dict[str, Any]:
    base = [
        {"id": "a", "source": "DST 1.2 §3.3.1", "palier": 4, "liaisons": ["15-15", "15-SMUR"],
         "roles": ["lrm"], "texte": "A"},
        {"id": "b", "source": "cahier de recette 2023 §4.2", "palier": 4, "liaisons": ["15-15", "15-SMUR"],
         "roles": ["lrm"], "texte": "B"},
        {"id": "c", "source": "DSF 15-NexSIS §6.3", "palier": 5, "liaisons": "toutes", "roles": ["lrm"],
         "texte": "C", "statut": "en cours", "raison": "scénario en cours d'ajout"},
        {"id": "d", "source": "DSF 15-NexSIS §5.3", "palier": "R", "liaisons": ["15-NexSIS"], "texte": "D",
         "statut": "non couvert", "raison": "obsolète"},
    ]
    return {"version": 1, "exigences": base + list(extra)}


def _coverage(*extra: dict[str, Any]) -> Any:
    return build_coverage(parse_requirements(_items(*extra)), parse_feature(FEATURE, "exemple.feature"))


def test_scenarios_carry_their_inherited_tags_and_attestations() -> None:
    scenarios = {s.name: s for s in parse_feature(FEATURE, "exemple.feature")}
    assert set(scenarios) == {"Vérifié par la machine", "Attesté", "Mixte", "Réception <x>", "Tablette"}
    kinds = {name: (s.attestation, s.machine) for name, s in scenarios.items()}
    assert kinds["Attesté"] == (True, False)  # its « Soit » (the Contexte's) only sets the scene
    assert kinds["Vérifié par la machine"] == (False, True)
    assert kinds["Mixte"] == (True, True)
    assert scenarios["Réception <x>"].requirement_ids == ["c", "d"]  # the examples' tags count
    assert {"role-tablette", "role-lrm", "palier-4", "15-SMUR"} <= scenarios["Tablette"].tags
    assert scenarios["Tablette"].label == "exemple.feature › Tablette"


def test_a_scenario_applies_as_the_engine_selects_it() -> None:
    def ref(*tags: str) -> ScenarioRef:
        return ScenarioRef("f.feature", "s", frozenset(tags), attestation=False)

    assert ref("tous-liens").applies("15-GPS", "emetteur-position")
    assert not ref().applies("15-15", "lrm")  # no link tag: the engine never selects it
    assert ref("15-15").applies("15-15", "lrm") and not ref("15-15").applies("15-SMUR", "lrm")
    assert not ref("tous-liens", "lrm-sante").applies("15-15", "lrm")
    assert ref("tous-liens", "lrm-sante").applies("15-NexSIS", "lrm")
    assert not ref("tous-liens", "role-lrm").applies("15-SMUR", "tablette")


def test_each_cell_has_its_state_scenarios_or_reason() -> None:
    coverage = _coverage()
    cells = {(c.requirement.id, c.link, c.role): c for c in coverage.cells}
    assert cells["a", "15-15", "lrm"].state is CellState.VERIFIED_AND_ATTESTED
    assert [s.name for s in cells["a", "15-15", "lrm"].scenarios] == ["Vérifié par la machine", "Attesté"]
    assert cells["a", "15-SMUR", "lrm"].state is CellState.TO_ATTEST
    assert ("a", "15-SMUR", "tablette") not in cells  # the item names the LRM role only
    assert cells["b", "15-15", "lrm"].state is CellState.VERIFIED_AND_ATTESTED  # « Mixte »
    assert cells["b", "15-SMUR", "lrm"].state is CellState.TO_ATTEST
    assert cells["c", "15-NexSIS", "lrm"].state is CellState.VERIFIED  # scenarios win over « en cours »
    assert cells["c", "15-15", "lrm"].state is CellState.IN_PROGRESS
    assert cells["c", "15-15", "lrm"].reason == "scénario en cours d'ajout"
    assert ("c", "15-GPS", "emetteur-position") not in cells  # 15-GPS has no LRM role
    assert cells["d", "15-NexSIS", "lrm"].state is CellState.VERIFIED
    assert coverage.unknown == (("inconnue", "exemple.feature › Tablette"),)
    assert coverage.stale_status == ("d",)  # every cell covered while « non couvert »
    assert coverage.unexplained == ()


def test_a_cell_without_scenario_nor_reason_is_unexplained() -> None:
    coverage = _coverage({"id": "e", "source": "DST 1.2 §3.2", "palier": 3, "liaisons": ["15-GPS"],
                          "texte": "E"})
    assert {(c.link, c.role) for c in coverage.unexplained} == {("15-GPS", "emetteur-position"),
                                                               ("15-GPS", "demandeur-position")}


@pytest.mark.parametrize(("change", "message"), [
    ({"palier": 9}, "palier 9 invalide"),
    ({"liaisons": ["15-18"]}, "liaisons ['15-18'] invalides"),
    ({"roles": ["tablette"]}, "rôles ['tablette'] invalides"),
    ({"statut": "en cours"}, "« statut » et « raison » vont ensemble"),
    ({"statut": "fini", "raison": "x"}, "statut 'fini' invalide"),
    ({"id": "b"}, "identifiant invalide ou en double"),
    ({"texte": ""}, "champ « texte » manquant ou vide"),
    ({"couleur": "bleu"}, "champ(s) inconnu(s) couleur"),
])
def test_a_malformed_item_is_a_french_usage_error(change: dict[str, Any], message: str) -> None:
    item = {"id": "z", "source": "DST 1.2 §3.2", "palier": 3, "liaisons": ["15-15"], "texte": "Z", **change}
    with pytest.raises(RequirementsError) as error:
        parse_requirements(_items(item))
    assert message in str(error.value) and error.value.exit_code == 2


def test_renderings_are_french_deterministic_and_agree() -> None:
    coverage = _coverage()
    markdown = render_markdown(coverage)
    assert markdown == render_markdown(_coverage())
    assert "## 15-15 — LRM" in markdown and "### Robustesse" in markdown and "## 15-NexSIS — LRM" in markdown
    assert "| `c` | DSF 15-NexSIS §6.3 | C | en cours | scénario en cours d'ajout |" in markdown
    assert "- `d`" in markdown.split("## Statuts à revoir")[1]
    data = coverage_json(coverage)
    assert json.loads(json.dumps(data)) == data
    row = next(r for r in data["synthese"] if (r["liaison"], r["role"], r["palier"]) == ("15-15", "lrm", 4))
    assert row["vérifié et à attester"] == 2 and row["à attester"] == 0
    assert data["etiquettes_inconnues"] == [{"id": "inconnue", "scenario": "exemple.feature › Tablette"}]
    text = render_text(coverage)
    assert text.splitlines()[-1].startswith("Total : ") and f"{len(coverage.cells)} cases" in text


STEP_KINDS = {"given", "when", "then"}


def _step_functions() -> list[tuple[str, str, str]]:
    """(file, step pattern, source of the step function) of every step definition in steps/."""
    found = []
    for path in sorted(STEPS_DIR.glob("*.py")):
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef):
                for decorator in node.decorator_list:
                    if isinstance(decorator, ast.Call) and getattr(decorator.func, "id", "") in STEP_KINDS:
                        pattern = next(ast.literal_eval(n) for n in ast.walk(decorator.args[0])
                                       if isinstance(n, ast.Constant) and isinstance(n.value, str))
                        found.append((path.name, pattern, ast.get_source_segment(source, node) or ""))
    return found


def test_attestation_steps_are_recognised_by_their_wording() -> None:
    """The coverage tells an attestation scenario by its step text: every step that records an attestation
    starts « une personne atteste », and every step so worded records one."""
    steps = _step_functions()
    assert len(steps) > 20, steps
    for name, pattern, body in steps:
        calls_attest = re.search(r"\.attest\w*\(", body) is not None
        assert calls_attest == bool(ATTESTATION_STEP.match(pattern)), (name, pattern)


def _cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
         *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["hubbench", "couverture", *args])
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_info:
        main()
    out, err = capsys.readouterr()
    code = exit_info.value.code
    return (code if isinstance(code, int) else (0 if code is None else 1)), out, err


def test_cli_writes_checks_and_refuses_bad_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    features, docs = tmp_path / "features", tmp_path / "docs"
    features.mkdir()
    (features / "exemple.feature").write_text(FEATURE.replace(" @exigence-inconnue", ""), encoding="utf-8")
    (features / "exigences.yaml").write_text(json.dumps(_items()), encoding="utf-8")
    where = ("--scenarios", str(features), "--dossier", str(docs))
    code, _, err = _cli(monkeypatch, capsys, "--verifier", *where)
    assert code == 1 and "couverture.md n'est pas à jour" in err and "hubbench couverture --ecrire" in err
    assert _cli(monkeypatch, capsys, "--ecrire", *where)[0] == 0
    code, out, _ = _cli(monkeypatch, capsys, "--verifier", *where)
    assert code == 0 and "Couverture à jour" in out
    code, out, _ = _cli(monkeypatch, capsys, "--json", *where)
    assert code == 0 and out == (docs / "couverture.json").read_text(encoding="utf-8")
    (features / "exemple.feature").write_text(FEATURE, encoding="utf-8")
    code, _, err = _cli(monkeypatch, capsys, "--verifier", *where)
    assert code == 1 and "étiquette @exigence-inconnue inconnue" in err and "Traceback" not in err
    (features / "exigences.yaml").write_text("exigences: [{id: a}]", encoding="utf-8")
    code, _, err = _cli(monkeypatch, capsys, *where)
    assert code == 2 and "Erreur : exigences.yaml, exigence « a »" in err and "Traceback" not in err

"""The official test cases played case by case against `conforme`, on every model line's vhosts.

Each vhost validates with its own pack (hubbench.protocol.packs.VHOST_CHOICES) and plays that pack's
cases: 15-15_v1.5 → tag 1.3.0 (ten 15-15 cases, 1.x field names), the 2.x vhosts → tag 2.4.0 (10 + 4),
the assumed 3.x vhosts → 3.4.1. This module starts its own private TLS node with those vhosts and its
dispatcher. Every case runs as its own scenario: the automatic part passes (send steps compared,
receive steps acked) and the receive-step checklists stay "à attester"; a reference-vendor fault in one
step of one case fails that case and no other.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.dispatcher import dispatcher_for, run_environment
from support.hub import HubFixture, open_hub
from support.official import VERSION_LINES, official_pack
from support.runs import run_against, run_all_against, table

from hubbench.cases.material import material_for
from hubbench.cases.test_cases import OfficialCase
from hubbench.engine.official_cases import case_role, step_key
from hubbench.events import Verdict
from hubbench.protocol.packs import VHOST_PACKS
from hubbench.sim.profiles import PROFILES

pytestmark = pytest.mark.broker
# (link, vhost) of every line whose pack publishes cases for the link; 15-smur_v1.4 (1.3.0 has none for
# 15-SMUR) and the 15-NexSIS vhosts say so once (tests/engine/test_official_collection.py).
RUNS = (("15-15", "15-15_v1.5"), ("15-15", "15-15_v2.0"), ("15-SMUR", "15-smur_v1.6"),
        ("15-15", "15-15_v2.1"), ("15-SMUR", "15-smur_v1.7"))


@pytest.fixture(scope="module")
def hub_lines(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubFixture]:
    vhosts = tuple(sorted({vhost for _, vhost in RUNS}))
    with (open_hub(tmp_path_factory.mktemp("hublines"), vhosts=vhosts) as hub, dispatcher_for(hub),
          run_environment(hub)):
        yield hub


@pytest.fixture(scope="module")
def case_runs(hub_lines: HubFixture) -> dict[str, dict[str, Any]]:
    """Tier 6's official cases of `conforme` on every vhost of `RUNS`, the runs at once."""
    return run_all_against(hub_lines, {vhost: ("conforme", link, vhost, "6") for link, vhost in RUNS},
                           "cas officiels par vhost", names=("cas officiel",))


def pack_cases(vhost: str, link: str) -> list[OfficialCase]:
    pack = official_pack(VERSION_LINES[VHOST_PACKS[vhost]])
    return [c for cat in material_for(pack).test_cases() if cat.label == link for c in cat.cases]


def played(result: dict[str, Any]) -> dict[str, Verdict]:
    return {s["name"].removeprefix("Cas officiel "): Verdict(s["verdict"])
            for s in result["scenarios"] if "cas-officiel" in s["tags"]}


@pytest.mark.slow
@pytest.mark.parametrize(("link", "vhost"), RUNS, ids=[vhost for _, vhost in RUNS])
def test_official_cases_case_by_case(case_runs: dict[str, dict[str, Any]], link: str, vhost: str) -> None:
    result = case_runs[vhost]
    report = table(result)
    cases = pack_cases(vhost, link)
    assert len(cases) == (10 if link == "15-15" else 4), report
    verdicts = played(result)
    assert list(verdicts) == [c.label for c in cases], report  # the pack's labels, in its order
    for case in cases:  # a case without receive steps has nothing left for a person to attest
        receives = any(step.type == "receive" for step in case.steps)
        expected = Verdict.PENDING_ATTESTATION if receives else Verdict.PASSED
        if case_role(case.label) == "tablette":  # played in the declared role only: implicit, LRM
            expected = Verdict.NOT_APPLICABLE
        assert verdicts[case.label] is expected, f"{case.label}\n{report}"
    print(f"\n{vhost} (pack {VHOST_PACKS[vhost]}) : {len(cases)} cas officiels en {result['seconds']} s")


@pytest.mark.slow
def test_a_vendor_fault_fails_exactly_its_case_and_operator_choices_apply(hub_lines: HubFixture,
                                                                          tmp_path: Path) -> None:
    """One run (1.3.0 pack on 15-15_v1.5) against `cas-officiel-valeur-ressaisie`, which re-types one
    expected value of step 02a of one case, with the operator's choices the official console offers:
    * that case fails, naming the step's path; the operator asked for the step again ("renvoyer"): the
      first message is set aside, the second (as wrong) is judged;
    * a skipped step ("passer") leaves its case "non exécuté", never passed;
    * a resent receive step is sent twice and its case keeps its conforming verdict;
    * every other case keeps its conforming verdict."""
    link, vhost = "15-15", "15-15_v1.5"
    profile = "cas-officiel-valeur-ressaisie"
    change = PROFILES[profile].official_step_change
    assert change is not None
    cases = {case.label: case for case in pack_cases(vhost, link)}
    fault = cases[change.case_label]
    skip = cases["Ouardia Boudadi - Editeur 95 / Hub Santé 78"]
    resend = cases["Didier Morel - Rôles : Hub Santé 77 / Editeur 94"]
    fault_step = next(s for s in fault.steps if s.id == change.step_id)
    answers = tmp_path / "reponses.yaml"
    answers.write_text(f"by: Testeuse\nsteps:\n  {step_key(fault, fault_step)}: renvoyer\n"
                       f"  {step_key(skip, skip.steps[1])}: passer\n"
                       f"  {step_key(resend, resend.steps[0])}: renvoyer\n", encoding="utf-8")
    result = run_against(hub_lines, profile, link, vhost, "6", "cas officiel", answers=answers)
    report = table(result)
    verdicts = played(result)
    assert [label for label, v in verdicts.items() if v is Verdict.FAILED] == [fault.label], report
    detail = next(s["detail"] for s in result["scenarios"] if s["name"].endswith(fault.label))
    assert "02a" in detail or change.path.split(".")[-1] in detail, report
    assert [label for label, v in verdicts.items() if v is Verdict.SKIPPED] == [skip.label], report
    for other in cases.values():
        if other not in (fault, skip):
            receives = any(s.type == "receive" for s in other.steps)
            expected = Verdict.PENDING_ATTESTATION if receives else Verdict.PASSED
            assert verdicts[other.label] is expected, f"{other.label}\n{report}"
    asides = [c["received"] for c in result["skipped_checks"]]
    for said in ("message écarté : renvoi demandé par l'opérateur",
                 "passée à la demande de l'opérateur (Testeuse)",
                 "message renvoyé à la demande de l'opérateur"):
        assert any(said in text for text in asides), (said, asides)

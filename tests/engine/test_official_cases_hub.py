"""The official test cases (test_cases.json of the 3.x line) played case by case against `conforme`.

They are published for the 3.x model line only, so this module starts its own private TLS node with the
3.x vhosts (15-15_v2.1, 15-smur_v1.7) and its dispatcher. Every case of both links runs as its own
scenario: the automatic part passes (send steps compared, receive steps acked) and the receive-step
checklists stay "à attester".
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from support.dispatcher import dispatcher_for, run_environment
from support.hub import HubFixture, open_hub
from support.official import official_pack
from support.runs import run_against, table

from hubbench.cases.material import material_for
from hubbench.events import Verdict

pytestmark = pytest.mark.broker
VHOSTS = {"15-15": "15-15_v2.1", "15-SMUR": "15-smur_v1.7"}


@pytest.fixture(scope="module")
def hub3(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubFixture]:
    with (open_hub(tmp_path_factory.mktemp("hubhome3x"), vhosts=tuple(VHOSTS.values())) as hub,
          dispatcher_for(hub), run_environment(hub)):
        yield hub


@pytest.mark.parametrize("link", sorted(VHOSTS))
def test_official_cases_case_by_case(hub3: HubFixture, link: str) -> None:
    result = run_against(hub3, "conforme", link, VHOSTS[link], "6", "cas officiel")
    report = table(result)
    official = [s for s in result["scenarios"] if "cas-officiel" in s["tags"]]
    pack = official_pack("3")
    cases = [c for cat in material_for(pack).test_cases() if cat.label == link for c in cat.cases]
    labels = [c.label for c in cases]
    played = {s["name"].removeprefix("Cas officiel "): Verdict(s["verdict"]) for s in official}
    assert set(labels) <= set(played), report
    for case in cases:  # a case without receive steps has nothing left for a person to attest
        receives = any(step.type == "receive" for step in case.steps)
        expected = Verdict.PENDING_ATTESTATION if receives else Verdict.PASSED
        assert played[case.label] is expected, f"{case.label}\n{report}"
    coverage = [s for s in official if s["name"] == "Chaque cas officiel du pack a son scénario"]
    assert [Verdict(s["verdict"]) for s in coverage] == [Verdict.PASSED], report
    print(f"\n{link} : {len(labels)} cas officiels en {result['seconds']} s\n{table(result)}")

"""The official test cases (test_cases.json of the 3.x line) played case by case against `conforme`.

They are published for the 3.x model line only, so this module starts its own private TLS node with the
3.x vhosts (15-15_v2.1, 15-smur_v1.7) and its dispatcher. Every case of both links runs as its own
scenario: the automatic part passes (send steps compared, receive steps acked) and the receive-step
checklists stay "à attester".
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hub_support import HubFixture, require_broker, start_node
from test_functional_hub import run_against_conforme, shared_or_skip, table

from hubbench.campaigns.demo import SHARED_PACKS
from hubbench.cases.material import material_for
from hubbench.events import Verdict
from hubbench.home import HOME_ENV, BenchHome
from hubbench.hub.clients import ClientRegistry
from hubbench.hub.management import ManagementClient
from hubbench.hub.pki import Pki
from hubbench.hub.supervision import start_dispatcher, stop_dispatcher
from hubbench.protocol.packs import load_pack

pytestmark = pytest.mark.broker
VHOSTS = {"15-15": "15-15_v2.1", "15-SMUR": "15-smur_v1.7"}


@pytest.fixture(scope="module")
def hub3(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubFixture]:
    require_broker()
    shared_or_skip()
    root: Path = tmp_path_factory.mktemp("hubhome3x")
    home = BenchHome(root).ensure()
    settings, node = start_node(home, vhosts=tuple(VHOSTS.values()))
    fixture = HubFixture(home=home, settings=settings, node=node, registry=ClientRegistry(home, settings),
                         pki=Pki(home.pki_dir), api=ManagementClient.for_home(home, settings))
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("HUBBENCH_PACK_SOURCE", str(SHARED_PACKS.resolve()))
            patch.setenv(HOME_ENV, str(root))
            start_dispatcher(home, settings)
            try:
                yield fixture
            finally:
                stop_dispatcher(home)
    finally:
        fixture.close_clients()
        node.stop()


@pytest.mark.parametrize("link", sorted(VHOSTS))
def test_official_cases_case_by_case(hub3: HubFixture, link: str) -> None:
    result = run_against_conforme(hub3, link, VHOSTS[link], "6", "cas officiel")
    report = table(result) + "\n  journal du vendeur :\n" + "\n".join(result["sim_log"])
    official = [s for s in result["scenarios"] if "cas-officiel" in s["tags"]]
    pack = load_pack(directory=SHARED_PACKS / "official")
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

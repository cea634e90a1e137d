"""features/cas-officiels.feature lists no case: the engine plugin makes one scenario per official case
of the vhost's pack at collection time, under the pack's own labels; a pack without cases for the link
gives one "non applicable" scenario saying why. No broker: the case steps are stubs that only record."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support.official import official_pack

from hubbench.cases.material import material_for
from hubbench.engine.context import RunContext, RunOptions
from hubbench.engine.official_cases import case_role
from hubbench.engine.runner import run
from hubbench.engine.scenario import Services
from hubbench.events import Event, ScenarioFinished, ScenarioStarted, Verdict
from hubbench.protocol.packs import SchemaPack
from hubbench.resources import FEATURES_DIR

STUB_STEPS = '''
from pytest_bdd import given, parsers, then, when

from hubbench.engine import official_cases


@given(parsers.parse('le cas de test officiel "{label}" du pack du vhost'))
def official_case(bench, label):
    bench.memo["official_case"] = official_cases.find_case(bench, label)


@when(parsers.parse("le banc joue les étapes du cas [{rule}]"))
def play(bench, rule):
    bench.check.that(True, rule, "stub", "stub")


@then(parsers.parse("une personne atteste les valeurs affichées des étapes de réception [{rule}]"))
def attest(bench, rule):
    bench.check.that(True, rule, "stub", "stub")
'''
TEST_MODULE = '''from pathlib import Path

from pytest_bdd import scenarios

scenarios(str(Path(__file__).parent / "cas-officiels.feature"))
'''


@pytest.fixture
def steps_dir(tmp_path: Path) -> Path:
    d = tmp_path / "steps"
    d.mkdir()
    shutil.copy(FEATURES_DIR / "cas-officiels.feature", d / "cas-officiels.feature")
    (d / "case_steps.py").write_text(STUB_STEPS, encoding="utf-8")
    (d / "test_cases_officiels.py").write_text(TEST_MODULE, encoding="utf-8")
    (d / "pytest.ini").write_text("[pytest]\naddopts =\n", encoding="utf-8")
    return d


def _play(steps_dir: Path, tmp_path: Path, link: str, pack: SchemaPack,
          names: tuple[str, ...] = ()) -> list[Event]:
    events: list[Event] = []

    def services(ctx: RunContext, emit: object) -> Services:
        ctx.pack = pack
        return Services()

    options = RunOptions(vendor="Démo", client_id="fr.health.samu440", link=link, tiers=(6,),
                         home=tmp_path / "home", names=names)
    run(options, services_factory=services, steps_dir=steps_dir, store=events.append)
    return events


@pytest.mark.parametrize(("line", "link"), [("1.3.0", "15-15"), ("2.4.0", "15-15"), ("2.4.0", "15-SMUR"),
                                            ("3", "15-SMUR")])
def test_one_scenario_per_case_of_the_pack(steps_dir: Path, tmp_path: Path, line: str, link: str) -> None:
    pack = official_pack(line)
    labels = [c.label for cat in material_for(pack).test_cases() if cat.label == link for c in cat.cases]
    events = _play(steps_dir, tmp_path, link, pack)
    started = [e.name for e in events if isinstance(e, ScenarioStarted)]
    assert started == [f"Cas officiel {label}" for label in labels]
    assert len(labels) == (10 if link == "15-15" else 4)
    verdicts = [e.verdict for e in events if isinstance(e, ScenarioFinished)]
    tablet = sum(case_role(label) == "tablette" for label in labels)  # implicit declaration: LRM only
    assert verdicts.count(Verdict.NOT_APPLICABLE) == tablet == (2 if link == "15-SMUR" else 0)
    assert verdicts.count(Verdict.PASSED) == len(labels) - tablet


def test_a_link_without_cases_says_so_once(steps_dir: Path, tmp_path: Path) -> None:
    events = _play(steps_dir, tmp_path, "15-NexSIS", official_pack("2.4.0"))
    started = [e for e in events if isinstance(e, ScenarioStarted)]
    finished = [e for e in events if isinstance(e, ScenarioFinished)]
    assert [e.name for e in started] == ["Cas officiel — aucun cas publié pour 15-NexSIS (pack 2.4.0)"]
    assert [e.verdict for e in finished] == [Verdict.NOT_APPLICABLE]
    # the same for 15-SMUR on the 1.x line: tag 1.3.0 publishes the 15-15 cases only
    smur = _play(steps_dir, tmp_path, "15-SMUR", official_pack("1.3.0"))
    assert [e.verdict for e in smur if isinstance(e, ScenarioFinished)] == [Verdict.NOT_APPLICABLE]


def test_a_name_filter_picks_cases_by_their_label(steps_dir: Path, tmp_path: Path) -> None:
    events = _play(steps_dir, tmp_path, "15-15", official_pack("1.3.0"), names=("monsieur x",))
    started = [e.name for e in events if isinstance(e, ScenarioStarted)]
    assert started == ["Cas officiel Monsieur X - Hub Santé 09 / Editeur 31",
                       "Cas officiel Monsieur X - Editeur 09 / Hub Santé 31"]

"""`hubbench run`'s header and verdict lines: the pack's provenance, and « provisoire » on every verdict
when the vhost validates provisionally."""

from __future__ import annotations

import io

from rich.console import Console

from hubbench import events as ev
from hubbench.cli.run import Progress, summary_table
from hubbench.engine.plugin import ScenarioSummary
from hubbench.engine.runner import RunResult
from hubbench.events import Verdict

PACK = {"tag": "1.0", "source": "pypi:hubsante-model==0.1.1", "checksum": None, "provisional": True,
        "reason": "Source de pack injoignable (ConnectionError).", "vhost": "15-15_v1.5", "available": True}


def _printed(pack: dict[str, object] | None, verdict: Verdict = Verdict.PASSED) -> str:
    out = io.StringIO()
    progress = Progress(Console(file=out, width=300, color_system=None))
    progress(ev.RunStarted("r", vendor="v", client_id="fr.health.samu440", link="15-15", vhost="15-15_v1.5",
                           tiers=(1,), pack_tag="1.0", bench_version="t", pack=pack))
    progress(ev.ScenarioFinished("r", scenario_id="f::s", verdict=verdict, duration_s=1.0))
    return out.getvalue()


def test_provisional_run_header_and_verdicts_say_so() -> None:
    text = _printed(PACK)
    assert "Schémas : pack 1.0 (PROVISOIRE) · source pypi:hubsante-model==0.1.1" in text
    assert "ATTENTION vhost 15-15_v1.5 : validation PROVISOIRE" in text and "injoignable" in text
    assert "→ réussi (provisoire)" in text


def test_official_run_header_names_tag_source_and_checksum() -> None:
    text = _printed({**PACK, "source": "/packs/1.0", "checksum": "c0" * 32, "provisional": False,
                     "reason": None}, Verdict.FAILED)
    assert "Schémas : pack 1.0 · source /packs/1.0 · sha256 c0c0c0c0c0c0c0c0…" in text
    assert "ATTENTION" not in text and "provisoire" not in text and "→ échoué" in text


def test_summary_table_marks_provisional_verdicts() -> None:
    result = RunResult("r", Verdict.PASSED, {"passed": 1}, provisional=True,
                       scenarios=[ScenarioSummary("f::s", "s", 1, Verdict.PASSED, "")])
    out = io.StringIO()
    Console(file=out, width=300, color_system=None).print(summary_table(result))
    assert "réussi (provisoire)" in out.getvalue()


def test_an_official_step_prompt_says_how_to_resend_or_skip_it() -> None:
    from datetime import timedelta

    out = io.StringIO()
    progress = Progress(Console(file=out, width=300, color_system=None))
    progress(ev.RunStarted("r", vendor="v", client_id="fr.health.samu440", link="15-15", vhost="15-15_v1.5",
                           tiers=(6,), pack_tag="1.3.0", bench_version="t"))
    for prompt_id, action in (("r-p1", "send_message"), ("r-p2", "send_official_step")):
        progress(ev.PromptShown("r", scenario_id="f::s", prompt_id=prompt_id, actor="fr.health.samu440",
                                action=action, instruction=f"consigne {prompt_id}", parameters={},
                                deadline=ev.utcnow() + timedelta(seconds=60)))
        progress(ev.PromptClosed("r", scenario_id="f::s", prompt_id=prompt_id, outcome="done"))
    text = out.getvalue()
    assert "POST /prompts/r-p2/resend|skip" in text and "r-p1/resend" not in text
    assert text.count("renvoyer ou passer l'étape") == 1

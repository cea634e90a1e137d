"""`hubbench session run FILE.yaml`: three reference vendors (one faulty) in ONE process on a real TLS hub
(verdicts, session ids in the results store), and the file's errors in one French line each."""

from __future__ import annotations

import json
import os
import queue
import random
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml
from support.dispatcher import process_env
from support.hub import HubFixture, poll

from hubbench.campaigns import Campaign, SessionPlan, load_session, session_pool, session_schema
from hubbench.campaigns.session import CAMPAIGNS_PER_PROCESS, MAX_PROCESSES, CampaignOutcome, auto_processes
from hubbench.campaigns.session_file import SessionVendor
from hubbench.campaigns.session_pool import shares
from hubbench.engine import SharedResults
from hubbench.engine.results_thread import StoreListener
from hubbench.errors import UsageError
from hubbench.events import Event, RunFinished, Verdict
from hubbench.results import open_database
from hubbench.results.models import Run

REPO = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-c", "from hubbench.cli import main; main()"]


def write(tmp_path: Path, data: object, name: str = "session.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def vendor(name: str, client_id: str, **more: object) -> dict[str, object]:
    return {"name": name, "clientId": client_id, "links": ["15-15"], **more}


# ----------------------------------------------------------------------------------------- the file
def test_the_committed_schema_is_the_models() -> None:
    committed = json.loads((REPO / "schemas" / "session.schema.json").read_text(encoding="utf-8"))
    assert committed == session_schema(), "schemas/session.schema.json à régénérer"


def test_a_valid_file_gives_one_campaign_per_link(tmp_path: Path) -> None:
    (tmp_path / "answers.yaml").write_text("{}\n", encoding="utf-8")
    declared = {"links": {"15-15": {"roles": ["lrm"]}, "15-SMUR": {"roles": ["tablette"]}}}
    path = write(tmp_path, {"name": "Recette", "tiers": "1-2", "vendors": [
        vendor("A", "fr.health.samu440", links=[], declaration=declared, answers="answers.yaml"),
        vendor("B", "fr.health.samu441", tiers="1-3,R"),
    ]})
    plan = load_session(path)
    assert [(c.vendor.name, c.link, c.tiers) for c in plan.campaigns] == [
        ("A", "15-15", (1, 2)), ("A", "15-SMUR", (1, 2)), ("B", "15-15", (1, 2, 3, 8))]
    assert plan.campaigns[0].answers == (tmp_path / "answers.yaml").resolve()
    assert plan.name == "Recette" and [v.name for v in plan.vendors] == ["A", "B"]


@pytest.mark.parametrize(("data", "expected"), [
    ({"vendors": []}, "vendors : liste vide"),
    ({"vendors": [vendor("A", "fr.health.samu440", colour="bleu")]}, "vendors.0.colour : clé inconnue"),
    ({"vendors": [vendor("A", "x"), vendor("B", "x")]}, "clientId en double : x"),
    ({"vendors": [vendor("A", "fr.health.samu440", tiers="9")]}, "Paliers"),
    ({"vendors": [vendor("A", "fr.health.samu440", links=["15-99"])]}, "liaison inconnue '15-99'"),
    ({"vendors": [vendor("A", "fr.health.samu440", links=[])]}, "aucune liaison à tester"),
    ({"vendors": [vendor("A", "fr.health.samu440", profile="parfait")]}, "profil de référence inconnu"),
    ({"vendors": [vendor("A", "fr.health.samu440", answers="absent.yaml")]}, "fichier introuvable"),
    ({"vendors": [vendor("A", "fr.health.samu440",
                         declaration={"links": {"15-15": {"roles": ["tablette"]}}})]},
     "rôle 'tablette' impossible"),
])
def test_a_bad_file_is_one_french_line(tmp_path: Path, data: object, expected: str) -> None:
    with pytest.raises(UsageError) as error:
        load_session(write(tmp_path, data))
    assert error.value.message.startswith("Fichier de session invalide")
    assert expected in error.value.message


def test_the_cli_says_a_bad_file_without_a_traceback(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("vendors: [\n", encoding="utf-8")
    for path, expected in ((broken, "Fichier de session corrompu"), (tmp_path / "none.yaml", "illisible")):
        done = subprocess.run([*CLI, "session", "run", str(path)], capture_output=True, text=True,
                              timeout=60, check=False)
        assert done.returncode == 2
        assert expected in done.stderr and "Traceback" not in done.stderr


# ------------------------------------------------------------------------------------- a real session
@pytest.mark.broker
def test_a_session_runs_three_vendors_in_two_processes(live_hub: HubFixture, tmp_path: Path) -> None:
    """The campaigns split over two child processes (`processes: 2`); the single-process runner is the
    demo's (tests/sim/test_demo_tiers.py)."""
    base = random.randrange(100, 900)
    ids = [f"fr.health.samu7{base + i:03d}" for i in range(3)]
    profiles = ["conforme", "conforme", "sans-ack"]  # « sans-ack »: the tier 2 fault
    vendors = [vendor(f"Session {profile} {i}", client_id, profile=profile,
                      partnerId=f"fr.health.samuS{i}{base}")
               for i, (client_id, profile) in enumerate(zip(ids, profiles, strict=True))]
    path = write(tmp_path, {"name": "Recette test", "tiers": "1-3", "fast": True, "processes": 2,
                            "vendors": vendors})
    done = subprocess.run([*CLI, "session", "run", str(path)], capture_output=True, text=True, timeout=240,
                          check=False, env=process_env(live_hub))
    assert done.returncode == 1, done.stdout + done.stderr[-3000:]  # a vendor fails: so does the session
    assert "Traceback" not in done.stderr
    assert "3 campagne(s) réparties sur 2 processus" in done.stderr
    db = open_database(live_hub.home.db_url)
    try:
        with db.reading() as session:
            runs = {r.client_id: r for r in session.query(Run).filter(Run.client_id.in_(ids)).all()}
    finally:
        db.dispose()
    assert sorted(runs) == sorted(ids)
    session_ids = {r.session_id for r in runs.values()}
    assert len(session_ids) == 1 and None not in session_ids
    session_id = session_ids.pop()
    assert session_id in done.stdout and session_id in done.stderr  # the matrix's title, the last line
    verdicts = [runs[i].verdict for i in ids]  # conforming: passed, or attestations pending (no answers)
    assert verdicts[2] == "failed" and all(v in ("passed", "pending_attestation") for v in verdicts[:2])
    rows = {line.split("│")[1].strip(): line for line in done.stdout.splitlines() if "│ Session" in line}
    assert "échoué" in rows["Session sans-ack 2"].split("│")[6]  # tier 2 of the faulty vendor
    assert not any("échoué" in rows[f"Session conforme {i}"] for i in (0, 1))
    counts = {int(m) for m in re.findall(r"— (\d+) scénario\(s\) —", done.stderr)}
    assert len(counts) == 1 and counts.pop() > 10  # the runs side by side each collected every scenario
    listed = subprocess.run([*CLI, "results", "list", "--session", session_id], capture_output=True,
                            text=True, timeout=60, check=False, env=process_env(live_hub))
    assert listed.returncode == 0, listed.stderr
    assert all(runs[i].id in listed.stdout for i in ids)


def test_sigterm_ends_every_process_and_marks_the_runs_interrupted(live_hub: HubFixture,
                                                                   tmp_path: Path) -> None:
    """SIGTERM to `session run` with two child processes: the children end their runs after the current
    scenario (stored as interrupted, nothing left open), no child survives, exit code 143."""
    base = random.randrange(100, 900)
    ids = [f"fr.health.samu6{base + i:03d}" for i in range(2)]
    vendors = [vendor(f"Arrêt {i}", client_id, profile="conforme", partnerId=f"fr.health.samuT{i}{base}")
               for i, client_id in enumerate(ids)]
    path = write(tmp_path, {"tiers": "1-3", "fast": True, "processes": 2, "vendors": vendors})
    proc = subprocess.Popen([*CLI, "session", "run", str(path)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=process_env(live_hub))
    db = open_database(live_hub.home.db_url)
    try:
        def started() -> bool:
            with db.reading() as session:
                return session.query(Run).filter(Run.client_id.in_(ids)).count() == len(ids)

        assert poll(started, 120), "les deux exécutions n'ont pas commencé"
        children = _children(proc.pid)
        assert len(children) >= 2, children  # the two session processes (and the resource tracker)
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=120)
        assert proc.returncode == 143, err[-3000:]
        assert "Traceback" not in err
        assert poll(lambda: not any(Path(f"/proc/{pid}").exists() for pid in children), 30), children
        with db.reading() as session:
            runs = session.query(Run).filter(Run.client_id.in_(ids)).all()
            assert sorted(r.status for r in runs) == ["interrupted", "interrupted"]
    finally:
        if proc.poll() is None:
            proc.kill()
        db.dispose()


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def test_a_vendors_campaigns_share_one_process_and_the_shares_are_even() -> None:
    campaigns = [vendor("Deux liaisons", "fr.health.samu01", links=["15-15", "15-SMUR"])]
    campaigns += [vendor(f"Éditeur {i}", f"fr.health.samu1{i:02d}") for i in range(5)]
    plan = SessionPlan("t", True, 0, None, tuple(
        Campaign(SessionVendor.model_validate(v), link, (1,), None, None)
        for v in campaigns for link in v["links"]), Path())  # type: ignore[attr-defined]
    got = shares(plan, 3)
    assert sorted(i for share in got for i in share) == list(range(7))  # each campaign once
    assert any({0, 1} <= set(share) for share in got)  # one vendor, one process (its simulators)
    assert sorted(len(share) for share in got) == [2, 2, 3]
    assert len(shares(plan, 10)) == 6  # no process without a campaign


def test_automatic_processes_follow_campaigns_and_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1}, raising=False)
    assert [auto_processes(n) for n in (1, 11, 12, 30, 100)] == [1, 1, 1, 2, 2]
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: set(range(16)), raising=False)
    assert auto_processes(100) == MAX_PROCESSES and auto_processes(30) == 30 // CAMPAIGNS_PER_PROCESS


# ------------------------------------------------------------------------------- one results writer
class SlowStore:
    """Blocks on its first event until released, then records how the writer hands events over."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.entered = threading.Event()
        self.calls: list[list[str]] = []

    def __call__(self, event: Event) -> None:
        if not self.calls:
            self.entered.set()
            assert self.release.wait(30)
        self.calls.append([event.run_id])

    def write_many(self, events: list[Event]) -> list[Exception]:
        self.calls.append([e.run_id for e in events])
        return []


def test_the_shared_writer_writes_a_backlog_in_one_transaction() -> None:
    store = SlowStore()
    shared = SharedResults.__new__(SharedResults)
    shared.listener = StoreListener(store)
    first, second = shared.for_run(), shared.for_run()
    finished = {"verdict": Verdict.PASSED, "counts": {}}
    first(RunFinished("run-a", **finished))  # type: ignore[arg-type]
    assert store.entered.wait(30)
    for run_id in ("run-b", "run-c", "run-d"):  # queued while the writer is busy with run-a
        second(RunFinished(run_id, **finished))  # type: ignore[arg-type]
    store.release.set()
    first.close()  # waits for what was queued, without closing the shared writer
    assert store.calls == [["run-a"], ["run-b", "run-c", "run-d"]]
    second(RunFinished("run-e", **finished))  # type: ignore[arg-type]
    shared.close()
    assert store.calls[-1] == ["run-e"] and first.errors == []


# ---------------------------------------------------------------------------------- the relay of the pool
class LateQueue:
    """A queue whose messages arrive just after a first empty read (a child writing as it exits)."""

    def __init__(self, messages: list[object]) -> None:
        self.messages = messages
        self.reads = 0

    def get(self, timeout: float) -> object:
        self.reads += 1
        if self.reads == 1 or not self.messages:
            raise queue.Empty
        return self.messages.pop(0)


class DeadChild:
    exitcode = 0

    def is_alive(self) -> bool:
        return False


class Recorder:
    def __init__(self) -> None:
        self.done: list[CampaignOutcome] = []

    def campaign_event(self, campaign: Campaign, event: Event) -> None:
        pass

    def campaign_done(self, outcome: CampaignOutcome) -> None:
        self.done.append(outcome)


def test_the_relay_reads_what_a_child_wrote_before_it_was_seen_dead() -> None:
    plan = SessionPlan("t", True, 0, None, (Campaign(SessionVendor.model_validate(
        vendor("Éditeur", "fr.health.samu101")), "15-15", (1,), None, None),), Path())
    outcome = CampaignOutcome(plan.campaigns[0], run_id="r1", exit_code=0)
    late = LateQueue([session_pool._Done(0, outcome)])
    listener, outcomes = Recorder(), {}  # type: ignore[var-annotated]
    session_pool._relay(plan, late, [(DeadChild(), [0])], listener, outcomes, {}, lambda _l: None)  # type: ignore[list-item]
    assert outcomes == {0: outcome} and listener.done == [outcome]

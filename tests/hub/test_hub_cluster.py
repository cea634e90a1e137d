"""The hub as a three-node RabbitMQ cluster (`hub up --nodes 3`, hub/cluster.py) with two `hubbench
worker`s taking a session's campaigns from PostgreSQL (results/campaigns.py): real nodes over TLS, one
cluster for the module.

A node killed (SIGKILL) during a session loses nothing — every message the broker confirmed reaches its
recipient — and the session ends with the verdicts of the same campaigns run without the kill.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from support.cluster import VHOST, ClusterFixture, Traffic, open_cluster
from support.dispatcher import process_env, run_env
from support.hub import poll
from support.postgres import pg_schema_url
from support.runs import start_vendor

from hubbench.home import DB_URL_ENV
from hubbench.hub.cluster import cluster_state
from hubbench.hub.dispatcher import files, supervisor
from hubbench.hub.topology import DISPATCHER_USER
from hubbench.results import CampaignSpec, Database, enqueue_campaigns, open_database, session_rows
from hubbench.results.models import ScenarioResult
from hubbench.sim import VendorThread

PROFILES = ("conforme", "sans-ack")  # one campaign per worker: the session is one round
TIERS = "2"  # the tier sans-ack fails (DST 1.2 §3.3.1): a red verdict to keep as well as green ones
SESSION_LIMIT_S = 240.0


@pytest.fixture(scope="module")
def db_url() -> Iterator[str]:
    with pg_schema_url("hb_cluster") as url:
        yield url


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory, db_url: str) -> Iterator[ClusterFixture]:
    with open_cluster(tmp_path_factory.mktemp("cluster")) as fixture, pytest.MonkeyPatch.context() as patch:
        for key, value in {**run_env(fixture.hub), DB_URL_ENV: db_url}.items():
            patch.setenv(key, value)  # the dispatcher's trace goes to the shared database too
        supervisor.start(fixture.hub.home, fixture.cluster.settings)
        try:
            yield fixture
        finally:
            supervisor.stop(fixture.hub.home)


@pytest.fixture(scope="module")
def vendors(cluster: ClusterFixture) -> Iterator[dict[str, str]]:
    """One reference vendor per profile, connected to node 1: {profile: client id}."""
    threads: dict[str, VendorThread] = {}
    tag = os.getpid() % 1000
    ids = {profile: f"fr.health.samuc{index}{tag:03d}" for index, profile in enumerate(PROFILES)}
    try:
        for profile, client_id in ids.items():
            threads[profile] = start_vendor(cluster.hub, client_id, profile, VHOST)
        yield ids
    finally:
        for thread in threads.values():
            thread.stop()


@pytest.fixture(scope="module")
def database(db_url: str) -> Iterator[Database]:
    db = open_database(db_url)
    yield db
    db.dispose()


def _workers(cluster: ClusterFixture, db_url: str, session: str) -> list[subprocess.Popen[bytes]]:
    env = {**process_env(cluster.hub), DB_URL_ENV: db_url}
    log = cluster.hub.home.root / f"workers-{session}.log"
    with open(log, "ab") as out:
        return [subprocess.Popen([sys.executable, "-c", "from hubbench.cli import main; main()", "worker",
                                  "--db", db_url, "--session", session, "--until-empty", "--name", name],
                                 env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
                for name in ("poste-A", "poste-B")]


def _wait(workers: list[subprocess.Popen[bytes]]) -> list[int | None]:
    deadline = time.monotonic() + SESSION_LIMIT_S
    for worker in workers:
        try:
            worker.wait(max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(10)
    return [worker.returncode for worker in workers]


def _enqueue(database: Database, session: str, vendors: dict[str, str]) -> None:
    enqueue_campaigns(database, session, [
        CampaignSpec(profile, client_id, "15-15", TIERS, {"vhost": VHOST, "fast": True})
        for profile, client_id in vendors.items()])


def _verdicts(database: Database, session: str) -> dict[tuple[str, str], str | None]:
    """{(vendor, scenario): verdict} of the session's runs."""
    runs = {row.run_id: row.vendor for row in session_rows(database, session) if row.run_id}
    with database.reading() as tx:
        rows = tx.execute(select(ScenarioResult.run_id, ScenarioResult.name, ScenarioResult.verdict)
                          .where(ScenarioResult.run_id.in_(list(runs))))
        return {(runs[run_id], name): verdict for run_id, name, verdict in rows}


def _session_text(database: Database, session: str, log: Path) -> str:
    rows = [f"{r.id} {r.vendor} {r.state} {r.worker} code={r.exit_code} run={r.run_id}"
            for r in session_rows(database, session)]
    tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
    return "\n".join(rows) + f"\n--- journal des workers :\n{tail}"


@pytest.fixture(scope="module")
def baseline(cluster: ClusterFixture, vendors: dict[str, str], database: Database, db_url: str
             ) -> dict[tuple[str, str], str | None]:
    """The session's verdicts with every node up."""
    _enqueue(database, "sans-panne", vendors)
    codes = _wait(_workers(cluster, db_url, "sans-panne"))
    text = _session_text(database, "sans-panne", cluster.hub.home.root / "workers-sans-panne.log")
    assert codes == [0, 0], text
    assert {row.state for row in session_rows(database, "sans-panne")} == {"done"}, text
    return _verdicts(database, "sans-panne")


def test_the_three_nodes_form_one_cluster_with_quorum_queues(cluster: ClusterFixture) -> None:
    status = cluster.cluster.status()
    assert [(row["node"], row["in_cluster"]) for row in status["cluster"]] == [
        (m.settings.node_name, True) for m in cluster.cluster.members]
    assert cluster_state(cluster.hub.home)["nodes"] == 3
    queues = cluster.hub.api.queues(VHOST)
    assert {q["name"]: (q.get("type"), len(q.get("members") or [])) for q in queues
            if q["name"].startswith("dispatch")} == {"dispatch": ("quorum", 3), "dispatch.dlq": ("quorum", 3)}
    # one dispatcher worker per node, each on its own node
    nodes = sorted(c["node"] for c in cluster.hub.api.connections() if c.get("user") == DISPATCHER_USER)
    assert nodes == sorted(m.settings.node_name for m in cluster.cluster.members)
    # `hubbench hub status` lists the nodes
    shown = subprocess.run([sys.executable, "-c", "from hubbench.cli import main; main()", "hub", "status"],
                           env=process_env(cluster.hub), capture_output=True, text=True, timeout=60,
                           check=False)
    assert shown.returncode == 0, shown.stderr
    for index, member in enumerate(cluster.cluster.members, start=1):
        assert f"Nœud {index}     : {member.settings.node_name} (en marche) · amqps " \
               f"{member.settings.amqps_port}" in shown.stdout, shown.stdout
    assert shown.stdout.count("· dans le cluster") == 3, shown.stdout


def test_a_node_killed_during_a_session_loses_nothing_and_changes_no_verdict(
        cluster: ClusterFixture, vendors: dict[str, str], database: Database, db_url: str,
        baseline: dict[tuple[str, str], str | None]) -> None:
    assert {vendor for vendor, _ in baseline} == set(PROFILES)
    client_queues = [q for q in cluster.hub.api.queues(VHOST) if q["name"].startswith("fr.health.")]
    assert client_queues and {q.get("type") for q in client_queues} == {"quorum"}
    traffic = Traffic(cluster.hub, count=400, rate=40).start()
    _enqueue(database, "panne", vendors)
    workers = _workers(cluster, db_url, "panne")
    log = cluster.hub.home.root / "workers-panne.log"
    # kill node 3 once both workers run a campaign and the traffic flows
    assert poll(lambda: sum(r.state == "running" for r in session_rows(database, "panne")) >= 2
                and len(traffic.sent) >= 80, 90), _session_text(database, "panne", log)
    # node 3's own dispatcher worker has been taking messages: the kill cuts a working dispatcher
    assert poll(lambda: files.read_json(files.worker_health_file(cluster.hub.home, 2))
                .get("counters", {}).get("received", 0) > 0, 30)
    assert cluster.kill(2) is not None
    codes = _wait(workers)
    counts = traffic.finish(timeout=90)
    print(f"\ntrafic pendant la panne du nœud 3 : {counts}")
    text = _session_text(database, "panne", log)
    assert codes == [0, 0], text
    assert {row.state for row in session_rows(database, "panne")} == {"done"}, text
    assert counts["sent"] == 400, counts
    assert counts["lost"] == 0, counts
    assert counts["strangers"] == 0, counts
    after = _verdicts(database, "panne")
    changed = {key: (baseline.get(key), after.get(key)) for key in set(baseline) | set(after)
               if baseline.get(key) != after.get(key)}
    assert not changed, f"verdicts changés par la panne (sans panne, avec panne) : {changed}\n{text}"

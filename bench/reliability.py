"""Reliability and security figures of the bench (issue 8), on a private TLS node of its own.

    .venv/bin/python bench/reliability.py [--messages 10000] [--fuzz-wire 1500] [--fuzz-local 3000]

Phases (each prints its lines; the last line is one JSON object):
1. fuzz: hypothesis streams of malformed input (random bytes, truncated and deeply nested JSON, XML
   bombs and huge attributes, wrong encodings, envelopes mutated field by field, 10 MB bodies, every
   property combination) interleaved with valid traffic — first on the pure pipeline (`--fuzz-local`
   cases), then through the real dispatcher over TLS (`--fuzz-wire` cases + the 10 MB ones). Counts
   crashes (worker restarts + unexpected exceptions), valid messages delivered, right RS-ERROR on
   `.info`, and the worker's resident memory before/after.
2. crash safety: `--messages` persistent messages A → B while the dispatcher is killed with SIGKILL
   (`--kills` times: one worker, or the whole supervised group), the broker node is restarted on its
   data, and the memory and disk alarms block publishers. Lost = confirmed by the broker, never
   delivered; duplicates = deliveries beyond the first of a distributionID (at-least-once after a
   kill; `duplicate_ids` distinct ids concerned, which a receiver can suppress by distributionID).
3. results safety: a writer killed mid-run leaves its run marked interrupted with its finished steps;
   two writers at once; on SQLite and, when a server answers on 127.0.0.1:5432, PostgreSQL.
4. security: every attack of tests/security/security_attacks.py plus the ones of tests/hub.
6. vendor (issue 18): the Robustesse tier against the reference vendors (`bench/vendor_robustness.py`):
   network faults injected, recoveries, messages lost, fuzz messages sent, consumer failures found.
5. bench input: broken feature file, unknown step, corrupt answers file, pack with a broken $ref,
   unknown client id → one clear French line and exit code 2.
Ports: free ones in 6000–6099.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
for sub in ("tests", "tests/reliability", "tests/security", "tests/results"):
    sys.path.insert(0, str(REPO / sub))

from chaos import (  # noqa: E402
    alarms,
    disk_alarm,
    kill_dispatcher,
    kill_worker,
    memory_alarm,
    wait_ready,
    worker_pids,
)
from fuzz_cases import ROUTE, Ids, any_case, big_cases  # noqa: E402
from security_attacks import (  # noqa: E402
    channel_refused,
    connect_with,
    expired_certificate,
    future_certificate,
    loopback_only,
    management_default_guest,
    management_wrong_password,
)
from support.hub import HubFixture  # noqa: E402
from vendor_robustness import vendor_phase  # noqa: E402
from wire import draw_cases, run_stream  # noqa: E402

from hubbench.home import BenchHome  # noqa: E402
from hubbench.hub import procs  # noqa: E402
from hubbench.hub.clients import ClientRegistry, registered_client  # noqa: E402
from hubbench.hub.dispatcher import supervisor  # noqa: E402
from hubbench.hub.dispatcher.pipeline import DispatchContext, Forward, Inbound, decide  # noqa: E402
from hubbench.hub.management import ManagementClient  # noqa: E402
from hubbench.hub.node import HubNode  # noqa: E402
from hubbench.hub.pki import Pki  # noqa: E402
from hubbench.hub.settings import HubSettings  # noqa: E402
from hubbench.protocol import build_message, custom_content_use_case, validator_for  # noqa: E402
from hubbench.protocol.packs import load_pack  # noqa: E402
from hubbench.transport.client import PublishRefused  # noqa: E402

MODELS = REPO / "../shared/hubsante-models"
VHOST = "15-15_v2.0"
HUBBENCH = str(Path(sys.executable).parent / "hubbench")


def say(text: str) -> None:
    print(text, flush=True)


def free_ports(count: int) -> list[int]:
    ports = [p for p in range(6000, 6100) if procs.port_free("127.0.0.1", p)]
    if len(ports) < count:
        raise SystemExit("pas assez de ports libres entre 6000 et 6099")
    return ports[:count]


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


# ------------------------------------------------------------------------------------------- 1. fuzz
def fuzz_local(count: int) -> dict[str, Any]:
    pack = load_pack(directory=MODELS / "official/json-schema")
    ctx = DispatchContext(
        validator=validator_for(pack), use_xml={}, now=lambda: datetime.now(UTC), default_ttl_s=86_400
    )
    ids = Ids("fr.health.samuA", "fr.health.samuB", "fr.health.samuC")
    cases = draw_cases(any_case(ids), count, seed=11) + big_cases(ids)
    crashes, right, malformed, valid, routed = 0, 0, 0, 0, 0
    failures: Counter[str] = Counter()
    for case in cases:
        inbound = Inbound(
            body=case.body,
            content_type=case.content_type,
            delivery_mode=case.delivery_mode,
            headers=case.headers,
            expiration=case.expiration,
            routing_key=ids.sender,
            vhost=VHOST,
            received_at=ctx.now(),
        )
        try:
            decision = decide(inbound, ctx)
        except Exception as exc:
            crashes += 1
            failures[f"exception {type(exc).__name__} ({case.label})"] += 1
            continue
        got = ROUTE if isinstance(decision, Forward) else int(decision.report.code)  # type: ignore[union-attr]
        if case.expected == ROUTE:
            valid += 1
            routed += got == ROUTE
        else:
            malformed += 1
            right += got == case.expected
        if got != case.expected:
            failures[f"{case.label}: {case.expected} attendu, {got}"] += 1
    return {
        "cases": len(cases),
        "crashes": crashes,
        "valid": valid,
        "routed": routed,
        "malformed": malformed,
        "right": right,
        "failures": dict(failures.most_common(5)),
    }


def fuzz_wire(home: BenchHome, settings: HubSettings, count: int) -> dict[str, Any]:
    registry = ClientRegistry(home, settings)
    ids = Ids(*(f"fr.health.fuzz{uuid.uuid4().hex[:6]}" for _ in range(3)))
    for client_id in (ids.sender, ids.recipient, ids.other):
        registry.add(client_id)
    before = supervisor.health(home)
    pid = worker_pids(home)[0]
    rss_before = rss_kb(pid)
    cases = draw_cases(any_case(ids), count, seed=5) + big_cases(ids)
    sender = registered_client(home, settings, ids.sender, VHOST)
    started = time.monotonic()
    with sender.inbox() as a_in, registered_client(home, settings, ids.recipient, VHOST).inbox() as b_in:
        result = run_stream(cases, sender, a_in, b_in, timeout=300)
    sender.close()
    after = supervisor.health(home)
    pids_after = worker_pids(home)
    return {
        "cases": len(cases),
        "seconds": round(time.monotonic() - started, 1),
        "crashes": after["restarts"] - before["restarts"],
        "unexpected": after["counters"].get("unexpected", 0) - before["counters"].get("unexpected", 0),
        "valid": result.valid_total,
        "delivered": result.valid_delivered,
        "malformed": result.malformed_total,
        "reports_ok": result.reports_ok,
        "reports_received": result.reports_received,
        "mismatches": result.mismatches[:5],
        "rss_before_kb": rss_before,
        "rss_after_kb": rss_kb(pids_after[0]) if pids_after else 0,
        "same_worker": pids_after == [pid],
    }


# ------------------------------------------------------------------------------------------- 2. crash
class Producer(threading.Thread):
    """Publishes `count` messages A → B, each until the broker confirms it (retrying through faults)."""

    def __init__(
        self, home: BenchHome, settings: HubSettings, sender: str, recipient: str, count: int, rate: float
    ):
        super().__init__(daemon=True, name="producer")
        self.rate = rate
        self.client = registered_client(home, settings, sender, VHOST, f"{sender}-producer")
        self.client.reconnect_attempts = 3
        self.sender, self.recipient, self.count = sender, recipient, count
        self.sent: list[str] = []
        self.retries = 0
        self.blocked_s = 0.0
        self.error: str | None = None

    def run(self) -> None:
        start = time.monotonic()
        deadline = start + 900
        for index in range(self.count):
            time.sleep(max(0.0, start + index / self.rate - time.monotonic()))  # paced: faults hit mid-flow
            env = build_message(self.sender, self.recipient, custom_content_use_case(text=f"n°{index}"))
            while True:
                if time.monotonic() > deadline:
                    self.error = "délai dépassé"
                    return
                began = time.monotonic()
                try:
                    if self.client.publish(env):
                        break
                except Exception:
                    pass
                self.retries += 1
                with contextlib.suppress(Exception):
                    self.client.close()
                time.sleep(0.5)
            took = time.monotonic() - began
            if took > 1.0:  # flow control: the broker held the publish (alarm) or a fault was survived
                self.blocked_s += took
            self.sent.append(env["distributionID"])
        self.client.close()


def wait_flow(producer: Producer, timeout: float = 90.0) -> float:
    """Seconds until the producer gets its next confirm (traffic flows again)."""
    t0, before = time.monotonic(), len(producer.sent)
    while len(producer.sent) == before and producer.is_alive() and time.monotonic() - t0 < timeout:
        time.sleep(0.02)
    return time.monotonic() - t0


def crash_run(
    home: BenchHome, settings: HubSettings, node: HubNode, messages: int, kills: int, rate: float
) -> dict[str, Any]:
    registry = ClientRegistry(home, settings)
    a, b = (f"fr.health.crash{uuid.uuid4().hex[:6]}" for _ in range(2))
    registry.add(a)
    registry.add(b)
    receiver = registered_client(home, settings, b, VHOST, f"{b}-receiver")
    inbox = receiver.inbox([f"{b}.message"], max_reconnect_attempts=200)
    producer = Producer(home, settings, a, b, messages, rate)
    seen: Counter[str] = Counter()
    stop_reader = threading.Event()

    def read() -> None:
        while not stop_reader.is_set():
            delivery = inbox.wait_for(None, 0.5)
            if delivery is not None and isinstance(delivery.json, dict):
                seen[delivery.json.get("distributionID", "?")] += 1

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    started = time.monotonic()
    producer.start()
    faults: list[dict[str, Any]] = []
    plan = [("kill-worker" if i % 2 == 0 else "kill-all", (i + 1) / (kills + 4)) for i in range(kills)]
    plan += [
        ("node-restart", (kills + 1) / (kills + 4)),
        ("memory-alarm", (kills + 2) / (kills + 4)),
        ("disk-alarm", (kills + 2.5) / (kills + 4)),
    ]
    plan.sort(key=lambda p: p[1])
    for fault, at in plan:
        while len(producer.sent) < at * messages and producer.is_alive():
            time.sleep(0.05)
        t0 = time.monotonic()
        at_sent = len(producer.sent)
        detail = ""
        if fault == "kill-worker":
            recovery = kill_worker(home)
        elif fault == "kill-all":
            recovery = kill_dispatcher(home, settings)
        elif fault == "node-restart":
            node.stop()
            node.start(keep_data=True)
            wait_ready(home, not_pids=[], timeout=60)
            recovery = time.monotonic() - t0  # stop + start on the kept data + dispatcher reconnected
        else:
            switch = memory_alarm if fault == "memory-alarm" else disk_alarm
            key = "mem_alarm" if fault == "memory-alarm" else "disk_free_alarm"
            switch(node, True)
            seen_alarm = False
            for _ in range(40):
                if alarms(node)[key]:
                    seen_alarm = True
                    break
                time.sleep(0.25)
            time.sleep(1)  # publishes already on the wire settle
            before = len(producer.sent)
            time.sleep(5)
            during = len(producer.sent) - before
            switch(node, False)
            recovery = wait_flow(producer)
            detail = f"alarme vue : {seen_alarm}, confirmés pendant 5 s d'alarme : {during}"
        faults.append(
            {"fault": fault, "at_sent": at_sent, "recovery_s": round(recovery, 2), "detail": detail}
        )
        say(f"  {fault:<13} après {at_sent:>6} envois : rétabli en {recovery:.1f} s {detail}")
    producer.join(900)
    sent = set(producer.sent)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and not sent <= set(seen):
        time.sleep(0.5)
    time.sleep(2)
    stop_reader.set()
    reader.join(5)
    inbox.stop()
    receiver.close()
    lost = sent - set(seen)
    duplicates = sum(n - 1 for n in seen.values())
    return {
        "messages_sent": len(sent),
        "messages_lost": len(lost),
        "duplicates": duplicates,
        "duplicate_ids": sum(1 for n in seen.values() if n > 1),
        "received_unique": len(set(seen) & sent),
        "strangers": len(set(seen) - sent),
        "kills": kills,
        "faults": faults,
        "producer_retries": producer.retries,
        "producer_blocked_s": round(producer.blocked_s, 1),
        "receiver_reconnections": inbox.reconnections,
        "producer_error": producer.error,
        "seconds": round(time.monotonic() - started, 1),
    }


# ------------------------------------------------------------------------------------------- 3. results
def pg_url() -> str | None:
    from support.postgres import pg_admin_url  # tests/ is on sys.path (above)

    return pg_admin_url()


def results_safety(tmp: Path) -> dict[str, Any]:
    from sqlalchemy import create_engine, text

    from hubbench.results.store import ResultsStore

    writer = REPO / "tests/results/writer_process.py"
    urls = {"sqlite": f"sqlite:///{tmp / 'results.db'}"}
    pg = pg_url()
    schema = f"hb_rel_{uuid.uuid4().hex[:8]}"
    if pg:
        engine = create_engine(pg)
        with engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        urls["postgresql"] = f"{pg}?options=-csearch_path%3D{schema}"
    checks: dict[str, bool] = {}
    try:
        for name, url in urls.items():
            go = tmp / f"go-{name}"
            victim = subprocess.Popen(
                [sys.executable, str(writer), url, f"tue-{name}", "1", str(go), "6"],
                stdout=subprocess.PIPE,
                text=True,
            )
            pair = [
                subprocess.Popen(
                    [sys.executable, str(writer), url, f"p{i}-{name}", "5", str(go)],
                    stdout=subprocess.PIPE,
                    text=True,
                )
                for i in range(2)
            ]
            go.touch()
            assert victim.stdout is not None and victim.stdout.readline().strip() == "ready"
            victim.send_signal(signal.SIGKILL)
            victim.wait(10)
            for proc in pair:
                proc.wait(120)
            store = ResultsStore(url)
            swept = store.sweep_interrupted()
            detail = store.run_detail(f"tue-{name}")
            checks[f"{name}: exécution tuée marquée interrompue"] = (
                f"tue-{name}" in swept and detail is not None and detail.run.status == "interrupted"
            )
            steps = [s for sc in (detail.scenarios if detail else []) for s in sc.steps]
            checks[f"{name}: étapes terminées conservées"] = any(s.verdict == "passed" for s in steps)
            runs = [r for r in store.list_runs() if r.run_id.startswith(("p0-", "p1-"))]
            checks[f"{name}: deux écrivains simultanés, 10 exécutions intactes"] = (
                len(runs) == 10
                and all(r.status == "finished" for r in runs)
                and len({r.verdict for r in runs}) == 1
            )
            store.close()
    finally:
        if pg:
            with create_engine(pg).begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    return {"backends": list(urls), "checks": checks}


# ------------------------------------------------------------------------------------------- 4. security
def security(home: BenchHome, settings: HubSettings, tmp: Path) -> list[tuple[str, bool, str]]:
    registry, pki = ClientRegistry(home, settings), Pki(home.pki_dir)
    me, other, revoked = (f"fr.health.sec{uuid.uuid4().hex[:6]}" for _ in range(3))
    for client_id in (me, other, revoked):
        registry.add(client_id)
    out: list[tuple[str, bool, str]] = []

    def record(name: str, refused: bool, detail: str) -> None:
        out.append((name, refused, detail))

    o = connect_with(settings, VHOST, pki.ca_cert_path)
    record("TLS sans certificat client", o.refused, o.detail)
    foreign = Pki(tmp / "autre-ca").issue_client(me)
    o = connect_with(settings, VHOST, pki.ca_cert_path, foreign.cert, foreign.key)
    record("certificat d'une autre AC", o.refused, o.detail)
    o = expired_certificate(settings, pki, VHOST, me, tmp)
    record(o.name, o.refused, o.detail)
    o = future_certificate(settings, pki, VHOST, me, tmp)
    record(o.name, o.refused, o.detail)
    stranger = pki.issue_client(f"fr.health.inconnu{uuid.uuid4().hex[:6]}")
    o = connect_with(settings, VHOST, pki.ca_cert_path, stranger.cert, stranger.key)
    record("CN qui n'est pas un client", o.refused, o.detail)
    kept = pki.credentials(revoked)
    cert, key = tmp / "revoque.crt", tmp / "revoque.key"
    cert.write_bytes(kept.cert.read_bytes())
    key.write_bytes(kept.key.read_bytes())
    key.chmod(0o600)
    registry.revoke(revoked)
    o = connect_with(settings, VHOST, pki.ca_cert_path, cert, key)
    record("client révoqué (ancien certificat)", o.refused, o.detail)
    client = registered_client(home, settings, me, VHOST)
    connection = client.connect()._conn
    assert connection is not None
    for name, action, args in [
        ("lire la file d'un autre client", "basic_get", (f"{other}.message",)),
        ("lire la file dispatch", "basic_get", ("dispatch",)),
        ("déclarer une file", "queue_declare", (f"{me}.extra",)),
        ("supprimer sa propre file", "queue_delete", (f"{me}.message",)),
        ("supprimer la file d'un autre", "queue_delete", (f"{other}.message",)),
        ("purger la file d'un autre", "queue_purge", (f"{other}.message",)),
        ("supprimer l'échange hubsante", "exchange_delete", ("hubsante",)),
        ("lier sa file à hubsante", "queue_bind", (f"{me}.message", "hubsante", "#")),
    ]:
        o = channel_refused(name, connection, action, *args)
        record(name, o.refused, o.detail)
    for name, kwargs in [
        ("publier avec la clé de routage d'un autre", {"routing_key": other}),
        ("publier sur distribution", {"exchange": "distribution", "routing_key": f"{other}.message"}),
        ("publier avec le user_id d'un autre", {"properties": {"user_id": other}}),
    ]:
        try:
            client.publish({"x": 1}, **kwargs)  # type: ignore[arg-type]
            record(name, False, "accepté")
        except PublishRefused as exc:
            record(name, exc.reply_code in (403, 406), f"{exc.reply_code} {exc.reply_text}"[:200])
    client.close()
    for port_name, port in (("API de gestion", settings.management_port), ("AMQPS", settings.amqps_port)):
        o = loopback_only(port_name, port)
        record(f"{port_name} depuis une adresse non-loopback", o.refused, o.detail)
    for o in (management_wrong_password(settings), management_default_guest(settings)):
        record(o.name, o.refused, o.detail)
    record("console depuis une adresse non-loopback", *console_loopback(tmp))
    return out


def console_loopback(tmp: Path) -> tuple[bool, str]:
    from security_attacks import listening_addresses

    (port,) = free_ports(1)
    env = {**os.environ, "HUBBENCH_HOME": str(tmp / "console-home")}
    proc = subprocess.Popen(
        [HUBBENCH, "console", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        while not listening_addresses(port) and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.3)
        o = loopback_only("console", port)
        return o.refused, o.detail
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


# ------------------------------------------------------------------------------------------- 5. inputs
def bench_inputs(tmp: Path) -> list[tuple[str, bool, str]]:
    """Each bad input: exit code 2, one line starting with "Erreur", no traceback."""
    from bench_inputs import cases

    out = []
    for name, command, env in cases(tmp):
        done = subprocess.run(
            command, env={**os.environ, **env}, capture_output=True, text=True, timeout=120, check=False
        )
        lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
        ok = (
            done.returncode == 2
            and "Traceback" not in done.stderr + done.stdout
            and bool(lines)
            and lines[0].startswith("Erreur")
        )
        out.append((name, ok, f"code {done.returncode} : {(lines or [''])[0][:150]}"))
    return out


# ------------------------------------------------------------------------------------------- main
def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--rate", type=float, default=150.0, help="producer pace (msgs/s)")
    parser.add_argument("--fuzz-local", type=int, default=3000)
    parser.add_argument("--fuzz-wire", type=int, default=1500)
    parser.add_argument("--vendor-limit", type=float, default=420.0, help="vendor phase bound (s)")
    args = parser.parse_args()
    if not (MODELS / "official").is_dir():
        raise SystemExit(f"modèles officiels absents : {MODELS}")
    os.environ["HUBBENCH_PACK_SOURCE"] = str(MODELS.resolve())
    t0 = time.monotonic()
    summary: dict[str, Any] = {}
    say("== 1. fuzz (pipeline pur)")
    local = fuzz_local(args.fuzz_local)
    say(
        f"  {local['cases']} cas, {local['crashes']} exceptions, valides routés {local['routed']}/"
        f"{local['valid']}, erreurs justes {local['right']}/{local['malformed']} {local['failures'] or ''}"
    )
    with tempfile.TemporaryDirectory(prefix="hubbench-reliability-") as tmp_name:
        tmp = Path(tmp_name)
        home = BenchHome(tmp / "home").ensure()
        amqps, management, dist = free_ports(3)
        settings = HubSettings(amqps_port=amqps, management_port=management, dist_port=dist, vhosts=(VHOST,))
        home.config_file.write_text(
            f"[hub]\namqps_port = {amqps}\nmanagement_port = {management}\ndist_port = {dist}\n"
            f'vhosts = ["{VHOST}"]\n',
            encoding="utf-8",
        )
        node = HubNode(home, settings)
        node.start()
        try:
            supervisor.start(home, settings)
            say("== 1. fuzz (dispatcher réel, TLS)")
            wire = fuzz_wire(home, settings, args.fuzz_wire)
            say(
                f"  {wire['cases']} cas en {wire['seconds']} s, plantages {wire['crashes']}, inattendues "
                f"{wire['unexpected']}, valides livrés {wire['delivered']}/{wire['valid']}, rapports "
                f"justes {wire['reports_ok']}/{wire['malformed']} (reçus {wire['reports_received']}), "
                f"RSS {wire['rss_before_kb']} → {wire['rss_after_kb']} Ko {wire['mismatches'] or ''}"
            )
            say(
                f"== 2. sûreté : {args.messages} messages, {args.kills} kill -9, redémarrage du nœud, alarmes"
            )
            crash = crash_run(home, settings, node, args.messages, args.kills, args.rate)
            say(
                f"  envoyés {crash['messages_sent']}, perdus {crash['messages_lost']}, doublons "
                f"{crash['duplicates']}, en {crash['seconds']} s (reprises producteur "
                f"{crash['producer_retries']}, reconnexions récepteur {crash['receiver_reconnections']})"
            )
            say("== 4. sécurité")
            attacks = security(home, settings, tmp)
            for name, refused, detail in attacks:
                say(f"  {'refusé ' if refused else 'ACCEPTÉ'} {name:<45} {detail[:90]}")
            say("== 6. éditeur : palier Robustesse contre les vendeurs de référence")
            hub = HubFixture(home=home, settings=settings, node=node, registry=ClientRegistry(home, settings),
                             pki=Pki(home.pki_dir), api=ManagementClient.for_home(home, settings))
            vendor = vendor_phase(hub, VHOST, args.vendor_limit)
            say(f"  {'pannes injectées':<28} {vendor['faults_injected']}")
            say(f"  {'reprises (reconnexions)':<28} {vendor['recoveries']}")
            say(f"  {'messages perdus':<28} {vendor['messages_lost']}")
            say(f"  {'messages de fuzzing envoyés':<28} {vendor['fuzz_cases_sent']}")
            say(f"  {'défaillances trouvées':<28} {vendor['crashes_found']}")
            say(f"  conforme réussit : {vendor['conforme_passed']} ; profils fautifs pris : "
                f"{vendor['faults_caught']}/{vendor['fault_profiles']} ; {vendor['seconds']} s")
        finally:
            supervisor.stop(home)
            node.stop()
        say("== 3. sûreté des résultats")
        results = results_safety(tmp)
        for name, ok in results["checks"].items():
            say(f"  {'ok   ' if ok else 'ÉCHEC'} {name}")
        say("== 5. entrées du banc")
        inputs = bench_inputs(tmp)
        for name, ok, detail in inputs:
            say(f"  {'ok   ' if ok else 'ÉCHEC'} {name:<40} {detail}")
    malformed = local["malformed"] + wire["malformed"]
    valid = local["valid"] + wire["valid"]
    summary = {
        "fuzz_cases": local["cases"] + wire["cases"],
        "fuzz_cases_wire": wire["cases"],
        "dispatcher_crashes": local["crashes"] + wire["crashes"] + wire["unexpected"],
        "error_reports_ok_pct": round(100 * (local["right"] + wire["reports_ok"]) / malformed, 2),
        "valid_delivered_pct": round(100 * (local["routed"] + wire["delivered"]) / valid, 2),
        "worker_rss_before_kb": wire["rss_before_kb"],
        "worker_rss_after_kb": wire["rss_after_kb"],
        "kills": crash["kills"],
        "messages_sent": crash["messages_sent"],
        "messages_lost": crash["messages_lost"],
        "duplicates": crash["duplicates"],
        "duplicate_ids": crash["duplicate_ids"],
        "recovery_s": {f["fault"] + str(i): f["recovery_s"] for i, f in enumerate(crash["faults"])},
        "attacks_tried": len(attacks),
        "attacks_refused": sum(1 for _, r, _ in attacks if r),
        "results_checks": len(results["checks"]),
        "results_ok": sum(results["checks"].values()),
        "results_backends": results["backends"],
        "input_errors_tried": len(inputs),
        "input_errors_ok": sum(1 for _, ok, _ in inputs if ok),
        "vendor_faults_injected": vendor["faults_injected"],
        "vendor_recoveries": vendor["recoveries"],
        "vendor_messages_lost": vendor["messages_lost"],
        "vendor_fuzz_cases_sent": vendor["fuzz_cases_sent"],
        "vendor_crashes_found": vendor["crashes_found"],
        "vendor_faults_caught": f"{vendor['faults_caught']}/{vendor['fault_profiles']}",
        "vendor_conforme_passed": vendor["conforme_passed"],
        "wall_s": round(time.monotonic() - t0, 1),
    }
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())

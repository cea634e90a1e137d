"""Dispatcher throughput and latency vs a bare forwarder, on the same private TLS node, same run.

    .venv/bin/python bench/dispatch_throughput.py [--messages 3000] [--paced 400] [--rate 100]

Starts its own node in a temporary home (free ports in 5800–5899, one vhost `15-15_v2.1`, 3.x pack from
../shared), two clients A → B, then for each contender:

* `forwarder`: the fastest thing that can stand in for a dispatcher (aio-pika, consume `dispatch`
  prefetch 200, recipient by a byte regex, publish on `distribution` with a pipelined confirm, ack after
  confirm; no validation, no trace);
* `dispatcher`: the bench's dispatcher (supervisor + 1 worker, full pipeline, trace on), forwarding the
  original bytes (default);
* `dispatcher-notrace`: the same without the trace (to see what the trace costs);
* `dispatcher+reserialize`: the same, re-encoding every forwarded body like the real hub does.
Contenders run `--rounds` times in alternating order (the VM is noisy); the table shows medians.

Per payload (≈1 KB `customContent`; ≈20 KB `createCaseHealth` = the official example
RS-EDA_partageDossier_EnfantsNguyen.01 with its `medicalNote` list repeated) it measures:
* throughput: `--messages` persistent messages published with confirms (window 200) by A over TLS,
  msgs/s = messages / (last arrival in B.message − first publish);
* latency: `--paced` messages at `--rate` msgs/s (below capacity, so no backlog), end-to-end
  publish → arrival in B, p50/p99.
Prints a table and a final JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aio_pika

from hubbench.home import BenchHome
from hubbench.hub import procs
from hubbench.hub.clients import ClientRegistry
from hubbench.hub.dispatcher import supervisor
from hubbench.hub.node import HubNode
from hubbench.hub.pki import DISPATCHER_CN, Pki
from hubbench.hub.settings import HubSettings
from hubbench.protocol import build_message, custom_content_use_case, validator_for
from hubbench.protocol.packs import load_pack
from hubbench.transport.tls import ssl_context

REPO = Path(__file__).resolve().parents[1]
MODELS = REPO / "../shared/hubsante-models"
EXAMPLE = MODELS / "official/examples/RS-EDA/RS-EDA_partageDossier_EnfantsNguyen.01.json"
VHOST = "15-15_v2.1"
A, B = "fr.health.samuA", "fr.health.samuB"
WINDOW = 200
SENT_HEADER = "x-bench-sent"
_RECIPIENT = re.compile(rb'"explicitAddressValue"\s*:\s*"([^"]+)"')
_KIND = re.compile(rb'"distributionKind"\s*:\s*"([^"]+)"')


def url(settings: HubSettings, name: str) -> str:
    return f"amqps://{settings.host}:{settings.amqps_port}/{VHOST}?auth=external&name={name}"


# ------------------------------------------------------------------------------------------- forwarder
async def forwarder(home: BenchHome, settings: HubSettings) -> None:
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    ctx = ssl_context(Pki(home.pki_dir).credentials(DISPATCHER_CN))
    connection = await aio_pika.connect(url(settings, "bare-forwarder"), ssl_context=ctx)
    channel = await connection.channel(publisher_confirms=True)
    await channel.set_qos(prefetch_count=200)
    exchange = await channel.get_exchange("distribution", ensure=False)
    queue = await channel.get_queue("dispatch", ensure=False)

    async def handle(message: aio_pika.abc.AbstractIncomingMessage) -> None:
        recipient = _RECIPIENT.search(message.body)
        kind = _KIND.search(message.body)
        suffix = {b"Ack": "ack", b"Error": "info"}.get(kind.group(1) if kind else b"", "message")
        key = f"{recipient.group(1).decode() if recipient else ''}.{suffix}"
        out = aio_pika.Message(message.body, content_type=message.content_type, delivery_mode=2,
                               headers=dict(message.headers or {}))
        await exchange.publish(out, key, mandatory=True)
        await message.ack()

    tasks: set[asyncio.Task[None]] = set()

    async def consume(message: aio_pika.abc.AbstractIncomingMessage) -> None:
        task = asyncio.ensure_future(handle(message))
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    await queue.consume(consume)
    print("forwarder ready", flush=True)
    await stop.wait()
    await connection.close()


# ------------------------------------------------------------------------------------------- load
async def run_load(home: BenchHome, settings: HubSettings, bodies: list[bytes], rate: float | None
                   ) -> tuple[float, list[float]]:
    """Publish `bodies` from A (flood with a confirm window, or paced at `rate`); time their arrival."""
    pki = Pki(home.pki_dir)
    a_conn = await aio_pika.connect(url(settings, "bench-A"), ssl_context=ssl_context(pki.credentials(A)))
    b_conn = await aio_pika.connect(url(settings, "bench-B"), ssl_context=ssl_context(pki.credentials(B)))
    try:
        pub = await a_conn.channel(publisher_confirms=True)
        exchange = await pub.get_exchange("hubsante", ensure=False)
        sub = await b_conn.channel()
        await sub.set_qos(prefetch_count=1000)
        queue = await sub.get_queue(f"{B}.message", ensure=False)
        latencies: list[float] = []
        done = asyncio.Event()
        last = [0.0]

        async def on_message(message: aio_pika.abc.AbstractIncomingMessage) -> None:
            now = time.time()
            sent = float((message.headers or {}).get(SENT_HEADER, now))
            latencies.append((now - sent) * 1000)
            last[0] = now
            await message.ack()
            if len(latencies) >= len(bodies):
                done.set()

        await queue.consume(on_message)
        window = asyncio.Semaphore(WINDOW)
        pending: set[asyncio.Task[Any]] = set()

        async def publish(body: bytes) -> None:
            try:
                msg = aio_pika.Message(body, content_type="application/json", delivery_mode=2,
                                       headers={SENT_HEADER: str(time.time())})
                await exchange.publish(msg, A)
            finally:
                window.release()

        start = time.time()
        for index, body in enumerate(bodies):
            if rate:
                delay = start + index / rate - time.time()
                if delay > 0:
                    await asyncio.sleep(delay)
            await window.acquire()
            task = asyncio.ensure_future(publish(body))
            pending.add(task)
            task.add_done_callback(pending.discard)
        await asyncio.wait_for(done.wait(), timeout=120 + len(bodies) / 50)
        if pending:
            await asyncio.wait(list(pending), timeout=30)
        return len(bodies) / (last[0] - start), latencies
    finally:
        await a_conn.close()
        await b_conn.close()


def bodies_for(kind: str, count: int) -> list[bytes]:
    if kind == "1KB customContent":
        probe = json.dumps(build_message(A, B, custom_content_use_case(text=""))).encode()
        pad = max(0, 1024 - len(probe))
        return [json.dumps(build_message(A, B, custom_content_use_case(text="x" * pad))).encode()
                for _ in range(count)]
    use_case = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    case = use_case["createCaseHealth"]
    notes = case["medicalNote"]
    probe = len(json.dumps(build_message(A, B, use_case)))
    per_note = len(json.dumps(notes[0])) + 2
    extra = max(0, (20 * 1024 - probe) // per_note)
    big = copy.deepcopy(use_case)
    repeated = [copy.deepcopy(notes[i % len(notes)]) for i in range(extra)]
    big["createCaseHealth"]["medicalNote"] = notes + repeated
    return [json.dumps(build_message(A, B, big)).encode() for _ in range(count)]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# ------------------------------------------------------------------------------------------- main
def free_ports(count: int) -> list[int]:
    ports = [p for p in range(5800, 5900) if procs.port_free("127.0.0.1", p)]
    if len(ports) < count:
        raise SystemExit("pas assez de ports libres entre 5800 et 5899")
    return ports[:count]


def setup(root: Path) -> tuple[BenchHome, HubSettings, HubNode]:
    home = BenchHome(root).ensure()
    amqps, management = free_ports(2)
    settings = HubSettings(amqps_port=amqps, management_port=management, dist_port=amqps + 20000,
                           message_ttl_ms=86_400_000, vhosts=(VHOST,))
    home.config_file.write_text(
        f'[hub]\namqps_port = {amqps}\nmanagement_port = {management}\ndist_port = {amqps + 20000}\n'
        f'vhosts = ["{VHOST}"]\n[packs]\nsource = "{MODELS.resolve()}"\n', encoding="utf-8")
    os.environ["HUBBENCH_PACK_SOURCE"] = str(MODELS.resolve())
    registry = ClientRegistry(home, settings)
    registry.add(A)
    registry.add(B)
    node = HubNode(home, settings)
    node.start()
    return home, settings, node


def measure(home: BenchHome, settings: HubSettings, args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    asyncio.run(run_load(home, settings, bodies_for("1KB customContent", 200), None))  # warm-up
    for kind in ("1KB customContent", "20KB createCaseHealth"):
        flood = bodies_for(kind, args.messages)
        rate, _ = asyncio.run(run_load(home, settings, flood, None))
        _, latencies = asyncio.run(run_load(home, settings, bodies_for(kind, args.paced), args.rate))
        out[kind] = {"msgs_s": round(rate, 1), "p50_ms": round(statistics.median(latencies), 2),
                     "p99_ms": round(pct(latencies, 0.99), 2), "bytes": len(flood[0])}
    return out


def median_of(rounds: list[dict[str, dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    return {kind: {key: round(statistics.median(r[kind][key] for r in rounds), 2) for key in rounds[0][kind]}
            for kind in rounds[0]}


CONTENDERS = ("forwarder", "dispatcher", "dispatcher-notrace", "dispatcher+reserialize")


def run_contender(name: str, home: BenchHome, settings: HubSettings, args: argparse.Namespace
                  ) -> dict[str, dict[str, Any]]:
    if name == "forwarder":
        proc = subprocess.Popen([sys.executable, __file__, "--forwarder", str(home.root)],
                                stdout=subprocess.PIPE, text=True)
        try:
            assert proc.stdout is not None and "ready" in proc.stdout.readline()
            return measure(home, settings, args)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(30)
    supervisor.start(home, settings, reserialize=name.endswith("reserialize"),
                     trace=not name.endswith("notrace"))
    try:
        return measure(home, settings, args)
    finally:
        supervisor.stop(home)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--paced", type=int, default=400)
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--rounds", type=int, default=2, help="rounds in alternating order; medians kept")
    parser.add_argument("--forwarder", metavar="HOME", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.forwarder:
        home = BenchHome(Path(args.forwarder))
        asyncio.run(forwarder(home, HubSettings.load(home)))
        return 0
    if not (MODELS / "official").is_dir():
        raise SystemExit(f"modèles officiels absents : {MODELS}")
    pack = load_pack(directory=MODELS / "official/json-schema")
    for kind in ("1KB customContent", "20KB createCaseHealth"):
        report = validator_for(pack).validate_message(json.loads(bodies_for(kind, 1)[0]))
        assert report.valid, (kind, [i.message for i in report.errors][:3])
    runs: dict[str, list[dict[str, dict[str, Any]]]] = {}
    with tempfile.TemporaryDirectory(prefix="hubbench-bench-") as tmp:
        home, settings, node = setup(Path(tmp))
        try:
            for round_index in range(args.rounds):
                order = CONTENDERS if round_index % 2 == 0 else CONTENDERS[::-1]
                for name in order:
                    runs.setdefault(name, []).append(run_contender(name, home, settings, args))
        finally:
            node.stop()
    results = {name: median_of(rounds) for name, rounds in runs.items()}
    print(f"{'contender':<24}{'payload':<24}{'bytes':>7}{'msgs/s':>9}{'p50 ms':>9}{'p99 ms':>9}  per round")
    for name, per_kind in results.items():
        for kind, r in per_kind.items():
            each = " / ".join(str(x[kind]["msgs_s"]) for x in runs[name])
            cells = f"{int(r['bytes']):>7}{r['msgs_s']:>9}{r['p50_ms']:>9}{r['p99_ms']:>9}"
            print(f"{name:<24}{kind:<24}{cells}  {each}")
    small, large = "1KB customContent", "20KB createCaseHealth"
    d, f, rs = results["dispatcher"], results["forwarder"], results["dispatcher+reserialize"]
    nt = results["dispatcher-notrace"]
    summary = {
        "dispatch_msgs_s": d[small]["msgs_s"], "forwarder_msgs_s": f[small]["msgs_s"],
        "dispatch_ratio": round(d[small]["msgs_s"] / f[small]["msgs_s"], 3),
        "p99_added_ms": round(d[small]["p99_ms"] - f[small]["p99_ms"], 2),
        "dispatch_20kb_msgs_s": d[large]["msgs_s"], "forwarder_20kb_msgs_s": f[large]["msgs_s"],
        "dispatch_20kb_ratio": round(d[large]["msgs_s"] / f[large]["msgs_s"], 3),
        "p99_added_20kb_ms": round(d[large]["p99_ms"] - f[large]["p99_ms"], 2),
        "reserialize_msgs_s": rs[small]["msgs_s"], "reserialize_20kb_msgs_s": rs[large]["msgs_s"],
        "notrace_msgs_s": nt[small]["msgs_s"], "notrace_20kb_msgs_s": nt[large]["msgs_s"],
        "rounds": args.rounds,
        "latency_rate_msgs_s": args.rate, "messages": args.messages,
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())

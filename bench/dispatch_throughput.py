"""Dispatcher throughput and latency vs bare forwarders, on the same private TLS node, in the same run.

    .venv/bin/python bench/dispatch_throughput.py [--messages 2000] [--paced 400] [--rate 200]
        [--rounds 2] [--workers 1,2,4] [--extra] [--before DIR]

Starts its own node (temporary home, free ports in 5800–5899, vhost `15-15_v2.1`, 3.x pack from
../shared), two clients A → B, then measures in alternating rounds:

* `forwarder-aiopika`, `forwarder-aiormq` (bench/forwarders.py): consume `dispatch`, publish the original
  bytes on `distribution` with pipelined confirms, ack after confirm; no validation, no trace. The
  faster of the two (median) is the reference ceiling;
* `dispatcher-wN`: the bench's dispatcher (supervisor + N workers, full pipeline: decode, validation by
  the vhost's official pack, checks, trace on), forwarding the original bytes;
* with `--extra`: `dispatcher-notrace` (trace off) and `dispatcher+reserialize` (re-encodes each body);
* with `--before DIR`: `before-dispatcher-wN`, the dispatcher of another source tree (DIR holds its
  `hubbench/` package, e.g. `git archive <commit> hubbench | tar -x -C DIR`), same settings: a change
  is measured against what it replaces in the same rounds, on the same node.

Per payload (≈1 KB `customContent`; ≈20 KB `createCaseHealth` = official example
RS-EDA_partageDossier_EnfantsNguyen.01 with its `medicalNote` list repeated):
* throughput: `--messages` persistent messages published by A over TLS with confirms (window 200),
  msgs/s = messages / (last arrival in B.message − first publish);
* latency: `--paced` messages at `--rate` msgs/s (below capacity: no backlog), publish → arrival in B,
  p50/p99. `p99_added_ms` = dispatcher p99 − reference forwarder p99 (the hop itself is in both).
Prints tables (medians [min–max] over rounds), then one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import aiormq
from _common import MODELS, Hub, alternate, emit, fmt_spread, pct, print_table, private_hub, require_models

from hubbench.hub.clients import ClientRegistry
from hubbench.hub.dispatcher import supervisor
from hubbench.hub.pki import Pki
from hubbench.protocol import build_message, custom_content_use_case, load_pack, validator_for
from hubbench.transport.tls import ssl_context

EXAMPLE = MODELS / "official/examples/RS-EDA/RS-EDA_partageDossier_EnfantsNguyen.01.json"
VHOST = "15-15_v2.1"
A, B = "fr.health.samuA", "fr.health.samuB"
WINDOW = 200
SENT = "x-bench-sent"
SMALL, LARGE = "1KB customContent", "20KB createCaseHealth"
FORWARDERS = ("forwarder-aiopika", "forwarder-aiormq")
HERE = Path(__file__).resolve().parent


def _url(hub: Hub, name: str) -> str:
    s = hub.settings
    return f"amqps://{s.host}:{s.amqps_port}/{VHOST}?auth=external&name={name}"


# ------------------------------------------------------------------------------------------- load
async def run_load(hub: Hub, bodies: list[bytes], rate: float | None) -> tuple[float, list[float]]:
    """Publish `bodies` from A (flood within a confirm window, or paced at `rate`); time their arrival in B.

    aiormq on both sides (the lightest client), B consumes without acks: the load generator must cost
    as little as possible of the two cores it shares with the broker and the contender.
    """
    pki = Pki(hub.home.pki_dir)
    a_conn = await aiormq.connect(_url(hub, "bench-A"), context=ssl_context(pki.credentials(A)))
    b_conn = await aiormq.connect(_url(hub, "bench-B"), context=ssl_context(pki.credentials(B)))
    try:
        pub = await a_conn.channel(publisher_confirms=True)
        sub = await b_conn.channel()
        latencies: list[float] = []
        done = asyncio.Event()
        last = [0.0]

        async def on_message(message: aiormq.abc.DeliveredMessage) -> None:
            now = time.time()
            headers = message.header.properties.headers or {}
            latencies.append((now - float(headers.get(SENT, now))) * 1000)
            last[0] = now
            if len(latencies) >= len(bodies):
                done.set()

        await sub.basic_consume(f"{B}.message", on_message, no_ack=True)
        window = asyncio.Semaphore(WINDOW)
        pending: set[asyncio.Task[Any]] = set()

        async def publish(body: bytes) -> None:
            try:
                props = aiormq.spec.Basic.Properties(
                    content_type="application/json", delivery_mode=2, headers={SENT: str(time.time())}
                )
                await pub.basic_publish(body, exchange="hubsante", routing_key=A, properties=props)
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
        await asyncio.wait_for(done.wait(), timeout=60 + len(bodies) / 20)
        if pending:
            await asyncio.wait(list(pending), timeout=30)
        return len(bodies) / (last[0] - start), latencies
    finally:
        await a_conn.close()
        await b_conn.close()


def bodies_for(kind: str, count: int) -> list[bytes]:
    """`count` distinct messages (own distributionID each) of the payload kind."""
    if kind == SMALL:
        probe = json.dumps(build_message(A, B, custom_content_use_case(text=""))).encode()
        pad = max(0, 1024 - len(probe))
        return [
            json.dumps(build_message(A, B, custom_content_use_case(text="x" * pad))).encode()
            for _ in range(count)
        ]
    use_case = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    notes = use_case["createCaseHealth"]["medicalNote"]
    probe = len(json.dumps(build_message(A, B, use_case)))
    per_note = len(json.dumps(notes[0])) + 2
    extra = max(0, (20 * 1024 - probe) // per_note)
    big = copy.deepcopy(use_case)
    big["createCaseHealth"]["medicalNote"] = notes + [
        copy.deepcopy(notes[i % len(notes)]) for i in range(extra)
    ]
    return [json.dumps(build_message(A, B, big)).encode() for _ in range(count)]


def measure(hub: Hub, args: argparse.Namespace) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    asyncio.run(run_load(hub, bodies_for(SMALL, 100), None))  # warm-up (connections, caches, JIT of beam)
    for kind in (SMALL, LARGE):
        flood = bodies_for(kind, args.messages)
        rate, _ = asyncio.run(run_load(hub, flood, None))
        _, latencies = asyncio.run(run_load(hub, bodies_for(kind, args.paced), args.rate))
        out[kind] = {
            "msgs_s": rate,
            "p50_ms": statistics.median(latencies),
            "p99_ms": pct(latencies, 0.99),
            "bytes": len(flood[0]),
        }
    return out


def run_contender(name: str, hub: Hub, args: argparse.Namespace) -> dict[str, dict[str, float]]:
    if name.startswith("before-"):  # the supervisor and its workers import `hubbench` from args.before
        saved = os.environ.get("PYTHONPATH")
        os.environ["PYTHONPATH"] = str(Path(args.before).resolve())
        try:
            return run_contender(name.removeprefix("before-"), hub, args)
        finally:
            if saved is None:
                os.environ.pop("PYTHONPATH", None)
            else:
                os.environ["PYTHONPATH"] = saved
    if name.startswith("forwarder-"):
        proc = subprocess.Popen(
            [sys.executable, str(HERE / "forwarders.py"), name.split("-", 1)[1], str(hub.home.root), VHOST],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert proc.stdout is not None and "ready" in proc.stdout.readline()
            return measure(hub, args)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(30)
    workers = int(name.rsplit("-w", 1)[1]) if "-w" in name else 1
    settings = hub.settings.with_overrides(dispatcher_workers=workers)
    supervisor.start(
        hub.home, settings, reserialize=name.endswith("reserialize"), trace=not name.endswith("notrace")
    )
    try:
        return measure(hub, args)
    finally:
        supervisor.stop(hub.home)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000, help="messages per throughput flood")
    parser.add_argument("--paced", type=int, default=400, help="messages of the latency run")
    parser.add_argument("--rate", type=float, default=200.0, help="msgs/s of the latency run")
    parser.add_argument("--rounds", type=int, default=2, help="rounds in alternating order; medians kept")
    parser.add_argument("--workers", default="1,2,4", help="dispatcher worker counts to measure")
    parser.add_argument("--extra", action="store_true", help="also no-trace and re-serialising dispatchers")
    parser.add_argument("--before", default=None, help="source tree of a dispatcher to compare with")
    args = parser.parse_args()
    require_models()
    pack = load_pack(directory=MODELS / "official/json-schema")
    for kind in (SMALL, LARGE):  # the load is what the official pack accepts
        report = validator_for(pack).validate_message(json.loads(bodies_for(kind, 1)[0]))
        assert report.valid, (kind, [i.message for i in report.errors][:3])
    workers = [int(w) for w in args.workers.split(",") if w.strip()]
    names = [*FORWARDERS, *(f"dispatcher-w{w}" for w in workers)]
    if args.extra:
        names += ["dispatcher-notrace", "dispatcher+reserialize"]
    if args.before:
        if not (Path(args.before) / "hubbench" / "hub" / "dispatcher").is_dir():
            raise SystemExit(f"--before : pas de paquet hubbench dans {args.before}")
        names += [f"before-dispatcher-w{w}" for w in workers]
    runs: dict[str, list[dict[str, dict[str, float]]]] = {n: [] for n in names}
    with private_hub("hubbench-dispatch-", (5800, 5899), (VHOST,), ttl_ms=86_400_000) as hub:
        registry = ClientRegistry(hub.home, hub.settings)
        registry.add(A)
        registry.add(B)
        for _, name in alternate(names, args.rounds):
            runs[name].append(run_contender(name, hub, args))

    def med(name: str, kind: str, key: str) -> float:
        return statistics.median(r[kind][key] for r in runs[name])

    rows = []
    for name in names:
        for kind in (SMALL, LARGE):
            col = [r[kind] for r in runs[name]]
            rows.append(
                [
                    name,
                    kind,
                    int(col[0]["bytes"]),
                    fmt_spread([c["msgs_s"] for c in col]),
                    fmt_spread([c["p50_ms"] for c in col], 1),
                    fmt_spread([c["p99_ms"] for c in col], 1),
                ]
            )
    print_table(
        f"Débit et latence (TLS, persistants, confirms ; médiane [min–max] sur {args.rounds} tours ; "
        f"latence à {args.rate:g} msgs/s)",
        ["concurrent", "charge", "octets", "msgs/s", "p50 ms", "p99 ms"],
        rows,
    )
    ref = max(FORWARDERS, key=lambda n: med(n, SMALL, "msgs_s"))
    ref_large = max(FORWARDERS, key=lambda n: med(n, LARGE, "msgs_s"))
    d1 = f"dispatcher-w{workers[0]}" if workers else names[-1]
    ratio_rows = [
        [
            n,
            f"{med(n, SMALL, 'msgs_s') / med(ref, SMALL, 'msgs_s'):.2f}",
            f"{med(n, LARGE, 'msgs_s') / med(ref_large, LARGE, 'msgs_s'):.2f}",
            f"{med(n, SMALL, 'p99_ms') - med(ref, SMALL, 'p99_ms'):+.1f}",
            f"{med(n, LARGE, 'p99_ms') - med(ref_large, LARGE, 'p99_ms'):+.1f}",
        ]
        for n in names
        if n not in FORWARDERS
    ]
    print_table(
        f"Rapport au transitaire de référence ({ref} en 1 Ko, {ref_large} en 20 Ko)",
        ["dispatcher", "ratio 1 Ko", "ratio 20 Ko", "p99 ajouté 1 Ko", "p99 ajouté 20 Ko"],
        ratio_rows,
    )
    summary: dict[str, Any] = {
        "dispatch_msgs_s": round(med(d1, SMALL, "msgs_s"), 1),
        "forwarder_msgs_s": round(med(ref, SMALL, "msgs_s"), 1),
        "forwarder": ref,
        "dispatch_ratio": round(med(d1, SMALL, "msgs_s") / med(ref, SMALL, "msgs_s"), 3),
        "p99_added_ms": round(med(d1, SMALL, "p99_ms") - med(ref, SMALL, "p99_ms"), 2),
        "dispatch_p50_ms": round(med(d1, SMALL, "p50_ms"), 2),
        "dispatch_p99_ms": round(med(d1, SMALL, "p99_ms"), 2),
        "dispatch_20kb_msgs_s": round(med(d1, LARGE, "msgs_s"), 1),
        "forwarder_20kb_msgs_s": round(med(ref_large, LARGE, "msgs_s"), 1),
        "dispatch_20kb_ratio": round(med(d1, LARGE, "msgs_s") / med(ref_large, LARGE, "msgs_s"), 3),
        "p99_added_20kb_ms": round(med(d1, LARGE, "p99_ms") - med(ref_large, LARGE, "p99_ms"), 2),
        **{
            f"{n.replace('-', '_').replace('+', '_')}_msgs_s": round(med(n, SMALL, "msgs_s"), 1)
            for n in names
            if n != d1
        },
        **(
            {
                "before_dispatch_ratio": round(
                    med(f"before-{d1}", SMALL, "msgs_s") / med(ref, SMALL, "msgs_s"), 3
                ),
                "before_dispatch_20kb_ratio": round(
                    med(f"before-{d1}", LARGE, "msgs_s") / med(ref_large, LARGE, "msgs_s"), 3
                ),
            }
            if f"before-{d1}" in runs
            else {}
        ),
        "dispatch_rounds": args.rounds,
        "messages": args.messages,
        "latency_rate_msgs_s": args.rate,
    }
    emit(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())

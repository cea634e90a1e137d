"""The hub as a three-node RabbitMQ cluster (`hub up --nodes 3`) against one node: dispatcher throughput,
and what a node killed mid-flow costs (issue 17).

    .venv/bin/python bench/cluster.py [--messages 1500] [--traffic 600] [--rate 60] [--rounds 1]

1. throughput: `--messages` persistent 1 KB messages A → B flooded within a confirm window of 200
   (dispatch_throughput.run_load), end to end through the dispatcher: one node with one worker (classic
   queues) against three nodes with one worker per node (quorum queues, replicated on the three).
2. node kill: `--traffic` messages A → B paced at `--rate`/s, each published until the broker confirms it;
   node 3 is killed (SIGKILL) after a third of them. Lost = confirmed, never delivered (must be 0);
   duplicates = deliveries beyond the first of a distributionID (at-least-once: the killed node's
   dispatcher had forwarded them without its ack reaching the queue).
Bounded (each phase has its own time limit). Not in run_all.py: the cluster alone takes ~25 s to form and
the whole script ~2 min here. Ports: free ones in 20000–29000 (the cluster), 5900–5999 (the node).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
for sub in (REPO / "tests", HERE):
    sys.path.insert(0, str(sub))

from _common import emit, fmt_spread, print_table, private_hub, require_models, temp_home  # noqa: E402
from dispatch_throughput import SMALL, bodies_for, run_load  # noqa: E402
from dispatch_throughput import VHOST as LOAD_VHOST  # noqa: E402
from dispatch_throughput import A as SENDER  # noqa: E402
from dispatch_throughput import B as RECIPIENT  # noqa: E402
from support.cluster import Traffic, open_cluster  # noqa: E402

from hubbench.hub.clients import ClientRegistry  # noqa: E402
from hubbench.hub.dispatcher import supervisor  # noqa: E402


def flood(hub: Any, settings: Any, count: int, rounds: int) -> list[float]:
    """msgs/s of `rounds` floods of `count` messages through the running dispatcher."""
    registry = ClientRegistry(hub.home, settings)
    registry.add(SENDER, vhosts=[LOAD_VHOST])
    registry.add(RECIPIENT, vhosts=[LOAD_VHOST])
    supervisor.start(hub.home, settings)
    try:
        asyncio.run(run_load(hub, bodies_for(SMALL, 100), None))  # warm-up
        return [asyncio.run(run_load(hub, bodies_for(SMALL, count), None))[0] for _ in range(rounds)]
    finally:
        supervisor.stop(hub.home)


def one_node(count: int, rounds: int) -> list[float]:
    with private_hub("hubbench-cluster-1-", (5900, 5999), (LOAD_VHOST,), ttl_ms=86_400_000) as hub:
        return flood(hub, hub.settings, count, rounds)


def three_nodes(args: argparse.Namespace) -> tuple[list[float], dict[str, Any], float]:
    with temp_home("hubbench-cluster-3-") as root:
        started = time.monotonic()
        with open_cluster(Path(root), 3, vhosts=(LOAD_VHOST,), message_ttl_ms=86_400_000) as fx:
            formed = time.monotonic() - started
            rates = flood(fx.hub, fx.cluster.settings, args.messages, args.rounds)
            supervisor.start(fx.hub.home, fx.cluster.settings)
            try:
                traffic = Traffic(fx.hub, args.traffic, args.rate, vhost=LOAD_VHOST).start()
                deadline = time.monotonic() + 120
                while len(traffic.sent) < args.traffic // 3 and time.monotonic() < deadline:
                    time.sleep(0.05)
                fx.kill(2)
                kill = traffic.finish(timeout=180)
            finally:
                supervisor.stop(fx.hub.home)
        return rates, kill, formed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1500, help="messages per throughput flood")
    parser.add_argument("--traffic", type=int, default=600, help="messages of the node-kill run")
    parser.add_argument("--rate", type=float, default=60.0, help="msgs/s of the node-kill run")
    parser.add_argument("--rounds", type=int, default=1, help="floods per hub (medians kept)")
    args = parser.parse_args()
    require_models()
    single = one_node(args.messages, args.rounds)
    cluster, kill, formed = three_nodes(args)
    med1, med3 = sorted(single)[len(single) // 2], sorted(cluster)[len(cluster) // 2]
    print_table("Dispatcher : 1 nœud (files classiques) / 3 nœuds (files quorum), TLS, persistants, 1 Ko",
                ["hub", "workers", "msgs/s"],
                [["1 nœud", 1, fmt_spread(single)], ["3 nœuds", 3, fmt_spread(cluster)]])
    print_table(f"Nœud 3 tué (SIGKILL) pendant {args.traffic} messages à {args.rate:g}/s",
                ["envoyés (confirmés)", "perdus", "doublons", "étrangers", "republications", "s"],
                [[kill["sent"], kill["lost"], kill["duplicates"], kill["strangers"], kill["producer_retries"],
                  kill["seconds"]]])
    emit({"bench": "cluster", "msgs_s_1_node": round(med1, 1), "msgs_s_3_nodes": round(med3, 1),
          "ratio_3_vs_1": round(med3 / med1, 2) if med1 else None, "cluster_form_s": round(formed, 1),
          "kill_sent": kill["sent"], "kill_lost": kill["lost"], "kill_duplicates": kill["duplicates"]})
    return 0 if kill["lost"] == 0 and kill["sent"] == args.traffic else 1


if __name__ == "__main__":
    raise SystemExit(main())

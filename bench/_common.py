"""Shared helpers of the bench scripts: a private TLS hub in a temporary home, rounds, medians, tables.

Every script starts its own node (never the machine's RabbitMQ, never a user's bench home), on free
ports of its own range on 127.0.0.1, and removes the temporary home at the end. The machine is shared
and noisy: contenders are measured in alternating rounds and the tables show medians and spreads.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # `python bench/<script>.py` from anywhere
    sys.path.insert(0, str(REPO))

from hubbench.home import HOME_ENV, PACK_SOURCE_ENV, BenchHome  # noqa: E402
from hubbench.hub.node import HubNode  # noqa: E402
from hubbench.hub.procs import port_free  # noqa: E402
from hubbench.hub.settings import HubSettings  # noqa: E402

MODELS = (REPO / ".." / "shared" / "hubsante-models").resolve()
OFFICIAL = MODELS / "official"


def require_models() -> None:
    if not OFFICIAL.is_dir():
        raise SystemExit(f"modèles officiels absents : {OFFICIAL} (dépôt ../shared attendu)")


def _epmd_names() -> str:
    """Node names registered with epmd (another helper's node may hold a name before its ports)."""
    try:
        return subprocess.run(
            ["epmd", "-names"], capture_output=True, text=True, timeout=5, check=False
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return ""


def free_ports(count: int, low: int, high: int) -> list[int]:
    """`count` free ports in [low, high] whose +20000 is free too and whose node name is not taken."""
    names = _epmd_names()
    ports = [
        p
        for p in range(low, high + 1)
        if port_free("127.0.0.1", p)
        and port_free("127.0.0.1", p + 20000)
        and f"name hubbench-{p} " not in names
    ]
    if len(ports) < count:
        raise SystemExit(f"pas assez de ports libres entre {low} et {high}")
    return ports[:count]


@dataclass
class Hub:
    home: BenchHome
    settings: HubSettings
    node: HubNode


def write_config(
    root: Path,
    port_range: tuple[int, int],
    vhosts: Sequence[str] | None = None,
    *,
    ttl_ms: int | None = None,
    workers: int = 1,
) -> HubSettings:
    """A `config.toml` with free ports (and the local official packs as pack source)."""
    amqps, management, dist = free_ports(3, *port_range)
    lines = [
        "[hub]",
        f"amqps_port = {amqps}",
        f"management_port = {management}",
        f"dist_port = {dist}",
        f"dispatcher_workers = {workers}",
    ]
    if vhosts:
        lines.append("vhosts = [" + ", ".join(f'"{v}"' for v in vhosts) + "]")
    if ttl_ms:
        lines.append(f"message_ttl_ms = {ttl_ms}")
    lines += ["[packs]", f'source = "{MODELS}"']
    root.mkdir(parents=True, exist_ok=True)
    (root / "config.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return HubSettings.load(BenchHome(root))


@contextmanager
def temp_home(prefix: str) -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix=prefix))
    saved = {k: os.environ.get(k) for k in (HOME_ENV, PACK_SOURCE_ENV)}
    os.environ[HOME_ENV] = str(root)
    os.environ[PACK_SOURCE_ENV] = str(MODELS)
    try:
        yield root
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def private_hub(
    prefix: str,
    port_range: tuple[int, int],
    vhosts: Sequence[str] | None = None,
    *,
    ttl_ms: int | None = None,
    workers: int = 1,
) -> Iterator[Hub]:
    """A started private TLS node in a temporary home (stopped and removed on exit)."""
    with temp_home(prefix) as root:
        settings = write_config(root, port_range, vhosts, ttl_ms=ttl_ms, workers=workers)
        home = BenchHome(root).ensure()
        node = HubNode(home, settings)
        node.start()
        try:
            yield Hub(home, settings, node)
        finally:
            node.stop()


# ------------------------------------------------------------------------------------------- statistics
def pct(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..1)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))]


def spread(values: Sequence[float]) -> dict[str, float]:
    """Median, min and max of the rounds of one figure."""
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


def fmt_spread(values: Sequence[float], digits: int = 0) -> str:
    s = spread(values)
    if s["n"] == 1:
        return f"{s['median']:,.{digits}f}"
    return f"{s['median']:,.{digits}f} [{s['min']:,.{digits}f}–{s['max']:,.{digits}f}]"


def alternate(names: Sequence[str], rounds: int) -> Iterator[tuple[int, str]]:
    """(round, name) in alternating order: A B C, C B A, A B C … (drift of a noisy machine cancels)."""
    for index in range(rounds):
        for name in names if index % 2 == 0 else list(reversed(names)):
            yield index, name


# ------------------------------------------------------------------------------------------- output
def print_table(title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    cells = [[str(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]
    print(f"\n{title}")
    print(
        "  ".join(
            h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(headers, widths, strict=True))
        )
    )
    print("  ".join("-" * w for w in widths))
    for row in cells:
        print(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    sys.stdout.flush()


def emit(summary: dict[str, Any]) -> None:
    """The final JSON line of a script (run_all.py reads the last line of each script's output)."""
    print(json.dumps(summary, ensure_ascii=False), flush=True)


def last_json_line(text: str) -> dict[str, Any]:
    for line in reversed(text.strip().splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise ValueError("aucune ligne JSON en fin de sortie")

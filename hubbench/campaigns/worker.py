"""`hubbench worker`: take campaigns from a session's queue in the shared results database (PostgreSQL,
`results/campaigns.py`) and run each one as `hubbench run` does (a `hubbench run` subprocess writing to
the same database), one at a time, on as many bench hosts as there are workers.

While a campaign runs its worker beats every `heartbeat_s`; a worker also gives back to the queue the
campaigns whose worker stopped beating for `stale_s` (a host that died). The campaign ends `done` when
the run gave verdicts (exit 0 or 1), `failed` otherwise (set-up error, time limit).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hubbench.home import DB_URL_ENV, BenchHome
from hubbench.hub import ChildGroup
from hubbench.results import (
    CampaignSpec,
    Claimed,
    Database,
    campaign_heartbeat,
    claim_campaign,
    finish_campaign,
    open_database,
    requeue_stale_campaigns,
)

Say = Callable[[str], None]
RUN_LIMIT_S = 1800.0


@dataclass(frozen=True)
class WorkerOptions:
    db_url: str
    name: str = ""
    session: str | None = None
    until_empty: bool = False  # stop when the queue has nothing left (else wait for more)
    poll_s: float = 1.0
    heartbeat_s: float = 5.0
    stale_s: float = 60.0
    env: dict[str, str] | None = None  # extra environment of the runs (e.g. HUBBENCH_PACK_SOURCE)

    @property
    def worker_name(self) -> str:
        return self.name or f"{socket.gethostname()}:{os.getpid()}"


def run_command(spec: CampaignSpec, report: Path) -> list[str]:
    """`hubbench run` for a campaign; `options` become flags (`partner_id` → `--partner-id VALUE`,
    true → the bare flag, a list → the flag repeated)."""
    command = [sys.executable, "-c", "from hubbench.cli import main; main()", "run", "--vendor", spec.vendor,
               "--client-id", spec.client_id, "--link", spec.link, "--tiers", spec.tiers,
               "--json", str(report)]
    for key, value in sorted((spec.options or {}).items()):
        flag = "--" + key.replace("_", "-")
        if value is True:
            command.append(flag)
        elif isinstance(value, list):
            for item in value:
                command += [flag, str(item)]
        elif value not in (None, False):
            command += [flag, str(value)]
    return command


def _run_id(report: Path) -> str | None:
    try:
        data: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    run = data.get("run")
    return str(run["run_id"]) if isinstance(run, dict) and run.get("run_id") else None


class _Beat(threading.Thread):
    def __init__(self, db: Database, claimed: Claimed, worker: str, every_s: float) -> None:
        super().__init__(daemon=True, name=f"heartbeat-{claimed.id}")
        self.db, self.claimed, self.worker, self.every_s = db, claimed, worker, every_s
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.every_s):
            campaign_heartbeat(self.db, self.claimed.id, self.worker)


def run_claimed(db: Database, claimed: Claimed, home: BenchHome, options: WorkerOptions,
                children: ChildGroup) -> tuple[int, str | None]:
    """Run one claimed campaign to its end; (exit code, run id)."""
    env = {**os.environ, **(options.env or {}), "HUBBENCH_HOME": str(home.root), DB_URL_ENV: options.db_url}
    log_dir = home.runs_dir / "worker"
    log_dir.mkdir(parents=True, exist_ok=True)
    beat = _Beat(db, claimed, options.worker_name, options.heartbeat_s)
    beat.start()
    try:
        with tempfile.TemporaryDirectory(prefix="hubbench-worker-") as tmp:
            report = Path(tmp) / "run.json"
            with open(log_dir / f"campaign-{claimed.id}.log", "wb") as out:
                code = children.run(run_command(claimed.spec, report), env=env, stdout=out,
                                    stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, timeout=RUN_LIMIT_S)
            exit_code = -1 if code is None else code
            return exit_code, _run_id(report)
    finally:
        beat.stopped.set()
        beat.join()


def work(home: BenchHome, options: WorkerOptions, say: Say) -> int:
    """Take and run campaigns until the queue is empty (`until_empty`) or the process is stopped;
    the number of campaigns this worker ran."""
    db = open_database(options.db_url)
    worker = options.worker_name
    children = ChildGroup()
    ran = 0
    try:
        while True:
            for campaign_id in requeue_stale_campaigns(db, options.stale_s):
                say(f"Campagne {campaign_id} remise en file (son worker ne répond plus).")
            claimed = claim_campaign(db, worker, options.session)
            if claimed is None:
                if options.until_empty:
                    return ran
                time.sleep(options.poll_s)
                continue
            spec = claimed.spec
            say(f"[{worker}] campagne {claimed.id} : {spec.vendor} × {spec.link} (paliers {spec.tiers})…")
            started = time.monotonic()
            code, run_id = run_claimed(db, claimed, home, options, children)
            finish_campaign(db, claimed.id, worker, exit_code=code, run_id=run_id,
                            error=None if code in (0, 1) else f"hubbench run : code {code}")
            ran += 1
            say(f"[{worker}] campagne {claimed.id} terminée : code {code}, exécution {run_id or '—'} "
                f"({time.monotonic() - started:.0f} s)")
    except BaseException:  # Ctrl-C or SIGTERM: the run in flight is stopped; its campaign will go stale
        children.stop_all()
        raise
    finally:
        db.dispose()

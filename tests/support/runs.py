"""Engine runs against a test hub, each in its own process (support/engine_process.py), and the reference
vendors that answer them (threads of the test process, acting on the runs' prompts through the run's
prompt API like a real operator)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from hubbench.engine.links import default_partner_id, get_link
from hubbench.events import Verdict
from hubbench.sim.launch import VendorThread, build_vendor
from hubbench.sim.profiles import PROFILES
from support.dispatcher import process_env
from support.hub import HubFixture

ENGINE_PROCESS = Path(__file__).with_name("engine_process.py")
RUN_LIMIT_S = 300


def start_run(env: Mapping[str, str], vendor: str, client_id: str, link: str, tiers: str, *,
              vhost: str | None = None, partner: str | None = None,
              names: Iterable[str] = (), answers: Path | None = None,
              prompts_jsonl: Path | None = None, roles: Iterable[str] = ()) -> subprocess.Popen[str]:
    """One engine run of `tiers` (e.g. "1-3") in a process of its own with the environment `env`
    (`process_env(hub)` for a test hub); read its outcome with `collect`. `answers`: the operator's
    answers file (`hubbench run --answers`); `prompts_jsonl`: where the run streams its prompts
    (`hubbench run --prompts-jsonl`); `roles`: the vendor's declared roles on the link (`--role`)."""
    args = [sys.executable, str(ENGINE_PROCESS), vendor, client_id, link, tiers]
    args += ["--vhost", vhost] if vhost else []
    args += ["--partner", partner] if partner else []
    args += ["--answers", str(answers)] if answers else []
    args += ["--prompts-jsonl", str(prompts_jsonl)] if prompts_jsonl else []
    for name in names:
        args += ["--names", name]
    for role in roles:
        args += ["--role", role]
    return subprocess.Popen(args, env=dict(env), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def collect(process: subprocess.Popen[str], limit_s: float = RUN_LIMIT_S) -> dict[str, Any]:
    """The run's JSON line, or {"error": end of stderr, "scenarios": []} (killed after `limit_s`)."""
    try:
        out, err = process.communicate(timeout=limit_s)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
    lines = [line for line in out.splitlines() if line.startswith("{")]
    return json.loads(lines[-1]) if lines else {"error": err[-3000:], "scenarios": []}


def partner_for(client_id: str, link: str) -> str:
    """A partner id of the run's own (SAMU codes of 1–5 characters; a tablet below it on 15-SMUR)."""
    if link == "15-NexSIS":
        return default_partner_id(get_link(link), client_id)
    samu = client_id.replace("samu8", "samuQ")
    return f"{samu}.smur" if link == "15-SMUR" else samu


def start_vendor(hub: HubFixture, client_id: str, profile: str, vhost: str) -> VendorThread:
    """A reference vendor of `profile`, registered on `vhost` (directCISU when its profile declares it),
    running in a thread of this process."""
    hub.registry.add(client_id, vhosts=[vhost], editor="hubbench-tests",
                     direct_cisu=PROFILES[profile].direct_cisu)
    return VendorThread(build_vendor(hub.home, client_id, PROFILES[profile], vhost=vhost,
                                     settings=hub.settings)).start()


def with_vendor_log(result: dict[str, Any], vendor: VendorThread, lines: int = 25) -> dict[str, Any]:
    """`result` with the end of the vendor's log and its error (for the failure reports)."""
    result["sim_log"] = [entry.text for entry in vendor.vendor.log][-lines:]
    result["sim_error"] = repr(vendor.error) if vendor.error else None
    return result


def run_against(hub: HubFixture, profile: str, link: str, vhost: str, tiers: str, *names: str,
                answers: Path | None = None, limit_s: float = RUN_LIMIT_S) -> dict[str, Any]:
    """One run of `tiers` against a fresh reference vendor of `profile` (scenarios filtered by `names`;
    `answers`: the operator's answers file)."""
    return run_all_against(hub, {profile: (profile, link, vhost, tiers)}, profile, names=names,
                           answers=answers, limit_s=limit_s)[profile]


def run_all_against(hub: HubFixture, specs: Mapping[str, tuple[str, str, str, str]], title: str, *,
                    names: Iterable[str] = (), answers: Path | None = None,
                    limit_s: float = RUN_LIMIT_S) -> dict[str, dict[str, Any]]:
    """The runs of `specs` (name → (profile, link, vhost, tiers)) at once, each against a fresh reference
    vendor of its profile and a partner of its own; their outcomes by name (`title`: the summary's)."""
    started = time.monotonic()
    vendors: dict[str, VendorThread] = {}
    processes: dict[str, subprocess.Popen[str]] = {}
    try:
        for name, (profile, link, vhost, tiers) in specs.items():
            client_id = f"fr.health.samu{uuid.uuid4().hex[:5]}"
            vendors[name] = start_vendor(hub, client_id, profile, vhost)
            processes[name] = start_run(process_env(hub), profile, client_id, link, tiers, vhost=vhost,
                                        names=names, answers=answers)
        return collect_all(processes, vendors, title, started, limit_s=limit_s, log_lines=15)
    finally:
        for vendor in vendors.values():
            vendor.stop()
        for process in processes.values():
            if process.poll() is None:
                process.kill()


def table(result: dict[str, Any], detail: int = 200) -> str:
    """The run's scenarios, one a line, then the end of the vendor's log when the result has it."""
    rows = [f"  P{s['tier']} {s['verdict']:<20} {s['name']} — {s['detail'][:detail]}"
            for s in result["scenarios"]]
    text = "\n".join(rows) or f"  aucun scénario ({result.get('error', '')})"
    if "sim_log" in result:
        log = "\n".join(f"  | {line}" for line in result["sim_log"])
        text += f"\n  journal du vendeur de référence (fin, erreur {result.get('sim_error')}) :\n{log}"
    return text


def failures(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The scenarios of the run whose verdict counts as a failure."""
    return [s for s in result["scenarios"] if Verdict(s["verdict"]).counts_as_failure]


def check_fails_exactly(result: dict[str, Any], profile: str, fragments: Iterable[str], *,
                        verdicts: Iterable[Verdict] = (Verdict.FAILED,)) -> None:
    """The fault `profile`'s run failed exactly the scenarios named by `fragments` (one each), with one of
    `verdicts`, all on the tier of the rule the profile breaks."""
    failed, expected = failures(result), list(fragments)
    assert len(failed) == len(expected), f"{profile} :\n{table(result)}"
    for fragment in expected:
        assert any(fragment in s["name"] for s in failed), f"{profile} ({fragment}) :\n{table(result)}"
    assert all(Verdict(s["verdict"]) in set(verdicts) for s in failed), f"{profile} :\n{table(result)}"
    assert {s["tier"] for s in failed} == {PROFILES[profile].tier}, table(result)


def failed_exactly(result: dict[str, Any], profile: str, fragments: Iterable[str]) -> list[dict[str, Any]]:
    """The run's failing scenarios (any failing verdict), asserted by `check_fails_exactly`."""
    check_fails_exactly(result, profile, fragments, verdicts=tuple(Verdict))
    return failures(result)


def summary(result: dict[str, Any]) -> str:
    """Verdict counts and the failing scenarios, on one line."""
    counts: dict[str, int] = {}
    for scenario in result["scenarios"]:
        counts[scenario["verdict"]] = counts.get(scenario["verdict"], 0) + 1
    return f"{counts}  échecs : {'; '.join(s['name'] for s in failures(result)) or '—'}"


def collect_all(processes: Mapping[str, subprocess.Popen[str]], vendors: Mapping[str, VendorThread],
                title: str, started: float, *, limit_s: float = RUN_LIMIT_S,
                log_lines: int = 25) -> dict[str, dict[str, Any]]:
    """Every run's outcome with the end of its vendor's log, then one summary line per run on stdout
    (`title`: the campaign's French name; `started`: `time.monotonic()` when the runs were started)."""
    results = {name: with_vendor_log(collect(process, limit_s), vendors[name], log_lines)
               for name, process in processes.items()}
    print(f"\n{title} : {len(results)} campagnes en {time.monotonic() - started:.0f} s")
    for name, result in results.items():
        print(f"  {name:<30} {summary(result)}")
    return results

"""One engine run in its own process (the engine runs pytest in-process: one run per process).

Usage: python engine_process.py VENDOR CLIENT_ID LINK TIERS [--vhost V] [--partner P] [--names FILTER]
[--answers FILE] [--prompts-jsonl FILE] [--role ROLE]
(HUBBENCH_HOME and HUBBENCH_PACK_SOURCE set by the caller, see
support/runs.py; --prompts-jsonl: the prompt stream of `hubbench run --prompts-jsonl`). Prints one JSON line:
{"run_id", "verdict", "seconds",
"scenarios": [{scenario_id, name, tier, tags, verdict, detail, blocked_by_tier}],
"skipped_checks": [{scenario, rule, received}]}.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import time
from pathlib import Path

from hubbench.engine.context import RunOptions, Timeouts
from hubbench.engine.links import parse_tiers
from hubbench.engine.runner import run
from hubbench.events import CheckRecorded, Event, Verdict

# The reference vendor takes its prompts from the run's prompt API: on a loaded machine (load average 20+)
# it has acted after more than the 20 s of Timeouts.fast(). A prompt's wait ends as soon as it acts.
OPERATOR_S = 90.0


def main() -> None:
    parser = argparse.ArgumentParser()
    for name in ("vendor", "client_id", "link", "tiers"):
        parser.add_argument(name)
    parser.add_argument("--vhost")
    parser.add_argument("--partner")
    parser.add_argument("--names", action="append", default=[])
    parser.add_argument("--answers", type=Path)
    parser.add_argument("--prompts-jsonl", type=Path)
    parser.add_argument("--role", action="append", default=[])  # declared role(s) on the link (`--role`)
    args = parser.parse_args()
    started = time.monotonic()
    skipped: list[dict[str, str]] = []

    def listen(event: Event) -> None:  # the checks an operator's choice set aside (official cases)
        if isinstance(event, CheckRecorded) and event.verdict is Verdict.SKIPPED:
            skipped.append({"scenario": event.scenario_id, "rule": event.rule, "received": event.received})

    with contextlib.ExitStack() as stack:
        stream = (stack.enter_context(args.prompts_jsonl.open("w", encoding="utf-8"))
                  if args.prompts_jsonl else None)
        result = run(RunOptions(vendor=args.vendor, client_id=args.client_id, link=args.link,
                                vhost=args.vhost, tiers=parse_tiers(args.tiers), partner_id=args.partner,
                                names=tuple(name for name in args.names if name), answers=args.answers,
                                listeners=[listen], prompts_jsonl=stream, roles=tuple(args.role),
                                timeouts=Timeouts.fast().with_operator(OPERATOR_S)))
    print(json.dumps({
        "run_id": result.run_id,
        "verdict": result.verdict.value,
        "seconds": round(time.monotonic() - started, 1),
        "scenarios": [{"scenario_id": s.scenario_id, "name": s.name, "tier": s.tier, "tags": list(s.tags),
                       "verdict": s.verdict.value, "detail": s.detail, "blocked_by_tier": s.blocked_by_tier}
                      for s in result.scenarios],
        "skipped_checks": skipped,
    }))


if __name__ == "__main__":
    main()

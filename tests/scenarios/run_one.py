"""One engine run in its own process (the engine runs pytest in-process: one run per process).

Usage: python run_one.py VENDOR CLIENT_ID LINK TIERS PARTNER_ID [PROMPTS_JSONL] [--vhost VHOST]
(HUBBENCH_HOME set by the caller; PROMPTS_JSONL: the prompt stream of `hubbench run --prompts-jsonl`;
VHOST: the link's default vhost when absent)
Prints one JSON line: {"run_id", "verdict", "scenarios": [{scenario_id, name, tier, verdict, detail}]}.
"""

from __future__ import annotations

import argparse
import contextlib
import json

from hubbench.engine.context import RunOptions, Timeouts
from hubbench.engine.links import parse_tiers
from hubbench.engine.runner import run

# The reference vendor takes its prompts from the run's prompt API: on a loaded machine (load average 20+)
# it has acted after more than the 20 s of Timeouts.fast(). A prompt's wait ends as soon as it acts.
OPERATOR_S = 90.0


def main() -> None:
    parser = argparse.ArgumentParser()
    for name in ("vendor", "client_id", "link", "tiers", "partner_id"):
        parser.add_argument(name)
    parser.add_argument("prompts_jsonl", nargs="?")
    parser.add_argument("--vhost")
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        stream = (stack.enter_context(open(args.prompts_jsonl, "w", encoding="utf-8"))
                  if args.prompts_jsonl else None)
        result = run(RunOptions(vendor=args.vendor, client_id=args.client_id, link=args.link,
                                tiers=parse_tiers(args.tiers), partner_id=args.partner_id, vhost=args.vhost,
                                timeouts=Timeouts.fast().with_operator(OPERATOR_S), prompts_jsonl=stream))
    print(json.dumps({
        "run_id": result.run_id,
        "verdict": result.verdict.value,
        "scenarios": [{"scenario_id": s.scenario_id, "name": s.name, "tier": s.tier,
                       "verdict": s.verdict.value, "detail": s.detail} for s in result.scenarios],
    }))


if __name__ == "__main__":
    main()

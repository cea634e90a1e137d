"""One engine run in its own process (the engine runs pytest in-process: one run per process).

Usage: python run_one.py VENDOR CLIENT_ID LINK TIERS PARTNER_ID [PROMPTS_JSONL]  (HUBBENCH_HOME set by the
caller; PROMPTS_JSONL: the prompt stream of `hubbench run --prompts-jsonl`)
Prints one JSON line: {"run_id", "verdict", "scenarios": [{scenario_id, name, tier, verdict, detail}]}.
"""

from __future__ import annotations

import contextlib
import json
import sys

from hubbench.engine.context import RunOptions, Timeouts
from hubbench.engine.links import parse_tiers
from hubbench.engine.runner import run

# The reference vendor takes its prompts from the run's prompt API: on a loaded machine (load average 20+)
# it has acted after more than the 20 s of Timeouts.fast(). A prompt's wait ends as soon as it acts.
OPERATOR_S = 90.0


def main() -> None:
    vendor, client_id, link, tiers, partner_id = sys.argv[1:6]
    with contextlib.ExitStack() as stack:
        stream = stack.enter_context(open(sys.argv[6], "w", encoding="utf-8")) if len(sys.argv) > 6 else None
        result = run(RunOptions(vendor=vendor, client_id=client_id, link=link, tiers=parse_tiers(tiers),
                                partner_id=partner_id, timeouts=Timeouts.fast().with_operator(OPERATOR_S),
                                prompts_jsonl=stream))
    print(json.dumps({
        "run_id": result.run_id,
        "verdict": result.verdict.value,
        "scenarios": [{"scenario_id": s.scenario_id, "name": s.name, "tier": s.tier,
                       "verdict": s.verdict.value, "detail": s.detail} for s in result.scenarios],
    }))


if __name__ == "__main__":
    main()

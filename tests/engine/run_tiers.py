"""One engine run in its own process (the engine runs pytest in-process: one run per process).

Usage: python run_tiers.py VENDOR CLIENT_ID LINK VHOST TIERS [NAME_FILTER [ANSWERS_FILE]]
(HUBBENCH_HOME set by the caller). Prints one JSON line: {"run_id", "verdict", "seconds", "scenarios":
[{name, tier, tags, verdict, detail}], "skipped_checks": [{scenario, rule, received}]}.
"""

from __future__ import annotations

import json
import sys
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
    vendor, client_id, link, vhost, tiers = sys.argv[1:6]
    names = tuple(name for name in sys.argv[6:7] if name)
    answers = Path(sys.argv[7]) if len(sys.argv) > 7 else None
    started = time.monotonic()
    skipped: list[dict[str, str]] = []

    def listen(event: Event) -> None:  # the checks an operator's choice set aside (official cases)
        if isinstance(event, CheckRecorded) and event.verdict is Verdict.SKIPPED:
            skipped.append({"scenario": event.scenario_id, "rule": event.rule, "received": event.received})

    result = run(RunOptions(vendor=vendor, client_id=client_id, link=link, vhost=vhost,
                            tiers=parse_tiers(tiers), names=names, answers=answers, listeners=[listen],
                            timeouts=Timeouts.fast().with_operator(OPERATOR_S)))
    print(json.dumps({
        "run_id": result.run_id,
        "verdict": result.verdict.value,
        "seconds": round(time.monotonic() - started, 1),
        "scenarios": [{"name": s.name, "tier": s.tier, "tags": list(s.tags), "verdict": s.verdict.value,
                       "detail": s.detail} for s in result.scenarios],
        "skipped_checks": skipped,
    }))


if __name__ == "__main__":
    main()

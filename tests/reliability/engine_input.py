"""Run the engine on a given steps directory the way `hubbench run` does (errors → "Erreur : …", exit 2).

usage: engine_input.py STEPS_DIR — the features there are the input under test; no broker is used.
"""

from __future__ import annotations

import sys
from pathlib import Path

from hubbench.engine.context import RunOptions
from hubbench.engine.runner import run
from hubbench.engine.scenario import Services
from hubbench.errors import BenchError


def main() -> int:
    steps = Path(sys.argv[1])
    options = RunOptions(vendor="Essai", client_id="fr.health.samu440", link="15-15", home=steps / "home")
    try:
        result = run(options, services_factory=lambda ctx, emit: Services(), steps_dir=steps,
                     store=lambda event: None)
    except BenchError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return exc.exit_code
    return result.exit_code


if __name__ == "__main__":
    sys.exit(main())

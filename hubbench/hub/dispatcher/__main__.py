"""`python -m hubbench.hub.dispatcher --home H [--worker N]`: the supervisor, or one of its workers.

Started by `supervisor.start()`; not a user command (users run `hubbench hub up`).
"""

from __future__ import annotations

import argparse
import logging
import sys

from hubbench.home import BenchHome


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hubbench.hub.dispatcher")
    parser.add_argument("--home", required=True)
    parser.add_argument("--worker", type=int, default=None)
    args = parser.parse_args(argv)
    home = BenchHome.from_env(args.home)
    logging.basicConfig(level=logging.INFO, stream=sys.stdout,
                        format=f"%(asctime)s [{'w' + str(args.worker) if args.worker is not None else 'sup'}]"
                               " %(levelname)s %(name)s: %(message)s")
    logging.getLogger("aiormq").setLevel(logging.WARNING)
    logging.getLogger("aio_pika").setLevel(logging.WARNING)
    if args.worker is None:
        from hubbench.hub.dispatcher.supervisor import supervise

        return supervise(home)
    from hubbench.hub.dispatcher.worker import run

    return run(home, args.worker)


if __name__ == "__main__":
    sys.exit(main())

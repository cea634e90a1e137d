"""Stopping a process a test started in its own session (`start_new_session=True`), children included."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from typing import Any

# `hubbench` as a subprocess of this interpreter (no installed entry point needed; the program name reads
# `hubbench` in its messages).
HUBBENCH = [
    sys.executable,
    "-c",
    "import sys; from hubbench.cli import main; sys.argv[0] = 'hubbench'; main()",
]


def stop_group(process: subprocess.Popen[Any], sig: int = signal.SIGTERM, wait_s: float = 15.0) -> None:
    """`sig` to the process's whole group, a bounded wait, then SIGKILL to what is left of the group."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    try:
        process.wait(timeout=wait_s)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)

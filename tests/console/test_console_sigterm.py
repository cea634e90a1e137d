"""`hubbench console` stopped with SIGTERM (a service manager, `docker stop`) stops its Streamlit child:
nothing is left running and the port is free again. Everything is polled with a bounded timeout."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from pathlib import Path

from support.hub import poll

from hubbench.hub import procs

HUBBENCH = [str(Path(sys.executable).parent / "hubbench")]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def test_sigterm_stops_streamlit_and_frees_the_port(tmp_path: Path) -> None:
    port = _free_port()
    console = subprocess.Popen([*HUBBENCH, "console", "--home", str(tmp_path / "home"), "--port", str(port)],
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    try:
        assert poll(lambda: _listening(port), 120), "la console n'a jamais écouté"
        streamlit = [p for p in procs.children(console.pid) if "streamlit" in procs.cmdline(p)]
        assert len(streamlit) == 1
        console.send_signal(signal.SIGTERM)
        _, stderr = console.communicate(timeout=60)
        assert console.returncode == 143, stderr
        assert "Arrêté (SIGTERM)." in stderr and "Traceback" not in stderr
        assert poll(lambda: not procs.alive(streamlit[0]), 30)
        assert poll(lambda: procs.port_free("127.0.0.1", port), 30)
    finally:
        if console.poll() is None:
            console.kill()
            console.wait()

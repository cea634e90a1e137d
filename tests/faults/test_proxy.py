"""The bench's fault proxy alone, in front of a local echo server (no broker)."""

from __future__ import annotations

import socket
import socketserver
import threading
import time
from collections.abc import Iterator

import pytest

from hubbench.faults import FaultProxy

WAIT_S = 5.0


class _Echo(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        try:
            while data := self.request.recv(65536):
                self.request.sendall(data)
        except OSError:  # the proxy reset the connection: that is what the faults do
            return


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


@pytest.fixture
def proxy() -> Iterator[FaultProxy]:
    server = _Server(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    with FaultProxy("127.0.0.1", server.server_address[1]) as proxy:
        yield proxy
    server.shutdown()
    server.server_close()


def _client(proxy: FaultProxy) -> socket.socket:
    sock = socket.create_connection(proxy.address, timeout=WAIT_S)
    sock.settimeout(WAIT_S)
    return sock


def _echo(sock: socket.socket, data: bytes) -> bytes:
    sock.sendall(data)
    got = b""
    while len(got) < len(data):
        chunk = sock.recv(65536)
        if not chunk:
            break
        got += chunk
    return got


def _closed(sock: socket.socket) -> bool:
    """The proxy closed this connection (reset or EOF), seen within WAIT_S."""
    try:
        return sock.recv(1) == b""
    except (ConnectionResetError, BrokenPipeError):
        return True


def test_bytes_pass_through_unchanged(proxy: FaultProxy) -> None:
    payload = bytes(range(256)) * 400
    with _client(proxy) as sock:
        assert _echo(sock, payload) == payload
    assert proxy.stats.accepted == 1
    assert proxy.stats.bytes_up == len(payload)


def test_cut_all_resets_every_connection(proxy: FaultProxy) -> None:
    with _client(proxy) as first, _client(proxy) as second:
        assert _echo(first, b"a") == b"a" and _echo(second, b"b") == b"b"
        assert proxy.cut_all() == 2
        assert _closed(first) and _closed(second)
    with _client(proxy) as again:  # the proxy still accepts after a cut
        assert _echo(again, b"c") == b"c"
    assert proxy.stats.cuts == 1


def test_armed_cut_drops_the_big_chunk_but_not_small_ones(proxy: FaultProxy) -> None:
    with _client(proxy) as sock:
        proxy.arm_cut(100, forward=False)
        assert _echo(sock, b"heartbeat") == b"heartbeat"  # under the threshold: forwarded
        assert proxy.armed()
        sock.sendall(b"x" * 500)
        assert _closed(sock)
    assert not proxy.armed()
    assert proxy.stats.dropped_up == 500


def test_forwarded_cut_hands_the_chunk_over_and_drops_the_answer(proxy: FaultProxy) -> None:
    with _client(proxy) as sock:
        proxy.arm_cut(100, forward=True)
        sock.sendall(b"y" * 500)
        assert _closed(sock)  # the echo never comes back
    assert proxy.stats.bytes_up == 500 and proxy.stats.dropped_up == 0


def test_reset_after_byte_count(proxy: FaultProxy) -> None:
    with _client(proxy) as sock:
        proxy.reset_after(10)
        assert _echo(sock, b"12345") == b"12345"  # 5 up + 5 down
        sock.sendall(b"more")
        assert _closed(sock)


def test_stall_holds_bytes_then_lets_them_through(proxy: FaultProxy) -> None:
    with _client(proxy) as sock:
        proxy.stall(1.0)
        sock.settimeout(0.3)
        sock.sendall(b"held")
        with pytest.raises(TimeoutError):
            sock.recv(4)
        sock.settimeout(WAIT_S)
        got = b""
        deadline = time.monotonic() + WAIT_S
        while len(got) < 4 and time.monotonic() < deadline:
            got += sock.recv(4)
        assert got == b"held"
    assert proxy.stats.stalls == 1


def test_upstream_ports_name_the_connections_to_the_server(proxy: FaultProxy) -> None:
    with _client(proxy) as sock:
        assert _echo(sock, b"z") == b"z"
        ports = proxy.upstream_ports()
        assert len(ports) == 1 and all(p > 0 for p in ports)

"""A TCP proxy with faults, on asyncio in its own thread (the engine is synchronous).

Bytes go through unchanged in both directions. Faults (each callable from any thread):
- `cut_all()`: every open connection is reset at once (RST on both sides);
- `arm_cut(min_chunk, forward=…)`: the next chunk the vendor sends of at least `min_chunk` bytes (a
  publish, not a heartbeat or a basic.ack) triggers a cut; `forward=False` drops it (cut during a
  publish: the hub never sees the message), `forward=True` hands it to the hub and drops what the hub
  answers (closed while the vendor waits for its confirm: the hub has the message, the vendor does not
  know);
- `stall(seconds)`: neither direction is read for that long (the sockets' windows fill up), then
  everything flows again;
- `reset_after(n)`: `n` more bytes go through (either direction), then every connection is reset.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

CHUNK = 65536
START_S = 5.0


@dataclass
class ProxyStats:
    accepted: int = 0  # connections accepted from the vendor
    cuts: int = 0  # faults that closed connections
    stalls: int = 0
    bytes_up: int = 0  # vendor → hub
    bytes_down: int = 0  # hub → vendor
    dropped_up: int = 0  # vendor bytes a fault never forwarded


@dataclass(eq=False)
class _Pair:
    client: asyncio.StreamWriter
    upstream: asyncio.StreamWriter
    hold_down: bool = False  # after a forwarded fatal chunk: nothing more reaches the vendor
    tasks: list[asyncio.Task[None]] = field(default_factory=list)


@dataclass
class _Armed:
    min_chunk: int
    forward: bool


class FaultProxy:
    def __init__(self, upstream_host: str, upstream_port: int, *, host: str = "127.0.0.1", port: int = 0
                 ) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.host = host
        self.port = port
        self.stats = ProxyStats()
        self._pairs: set[_Pair] = set()
        self._armed: _Armed | None = None
        self._reset_budget: int | None = None
        self._flowing: asyncio.Event | None = None
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.Server | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, name="fault-proxy", daemon=True)

    # -- life ------------------------------------------------------------------------------------
    def start(self) -> FaultProxy:
        self._thread.start()
        self._call(self._listen()).result(START_S)
        return self

    def close(self) -> None:
        if not self._thread.is_alive():
            return
        with contextlib.suppress(Exception):
            self._call(self._shutdown()).result(START_S)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(START_S)
        if not self._thread.is_alive():
            self._loop.close()

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.close()

    @property
    def address(self) -> tuple[str, int]:
        return self.host, self.port

    def active(self) -> int:
        return len(self._pairs)

    def upstream_ports(self) -> set[int]:
        """Local ports of the proxy's connections to the hub: the hub sees the vendor coming from these."""
        ports = set()
        for pair in list(self._pairs):
            name = pair.upstream.get_extra_info("sockname")
            if name:
                ports.add(int(name[1]))
        return ports

    # -- faults ----------------------------------------------------------------------------------
    def cut_all(self) -> int:
        """Reset every open connection now; how many were open."""
        return int(self._call(self._cut()).result(START_S))

    def arm_cut(self, min_chunk: int, *, forward: bool) -> None:
        self._armed = _Armed(min_chunk, forward)

    def armed(self) -> bool:
        return self._armed is not None

    def disarm(self) -> None:
        self._armed = None
        self._reset_budget = None

    def reset_after(self, byte_count: int) -> None:
        self._reset_budget = byte_count

    def stall(self, seconds: float) -> None:
        """Stop reading both directions for `seconds` (returns at once)."""
        self._call(self._stall(seconds))

    # -- loop side -------------------------------------------------------------------------------
    def _call(self, coro: Any) -> Future[Any]:
        return asyncio.run_coroutine_threadsafe(coro, self._loop)

    async def _listen(self) -> None:
        self._flowing = asyncio.Event()
        self._flowing.set()
        self._server = await asyncio.start_server(self._accept, self.host, self.port)
        self.port = int(self._server.sockets[0].getsockname()[1])

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
        await self._cut(count=False)
        if self._server is not None:
            await self._server.wait_closed()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.stats.accepted += 1
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.upstream)
        except OSError:
            _reset(writer)
            return
        pair = _Pair(writer, up_writer)
        self._pairs.add(pair)
        pair.tasks = [asyncio.create_task(self._pump(pair, reader, up_writer, up=True)),
                      asyncio.create_task(self._pump(pair, up_reader, writer, up=False))]
        await asyncio.gather(*pair.tasks, return_exceptions=True)
        self._pairs.discard(pair)
        for side in (writer, up_writer):
            side.close()

    async def _pump(self, pair: _Pair, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, *,
                    up: bool) -> None:
        assert self._flowing is not None
        try:
            while True:
                await self._flowing.wait()
                data = await reader.read(CHUNK)
                if not data:
                    with contextlib.suppress(OSError):
                        writer.write_eof()
                    return
                await self._flowing.wait()
                if await self._fault(pair, data, up=up):
                    return
                if not up and pair.hold_down:
                    continue
                writer.write(data)
                await writer.drain()
                if up:
                    self.stats.bytes_up += len(data)
                else:
                    self.stats.bytes_down += len(data)
        except (OSError, asyncio.IncompleteReadError):
            await self._cut_pair(pair)

    async def _fault(self, pair: _Pair, data: bytes, *, up: bool) -> bool:
        """Apply an armed fault to this chunk; True when the connections were cut."""
        armed = self._armed
        if up and armed is not None and len(data) >= armed.min_chunk:
            self._armed = None
            if armed.forward:
                pair.hold_down = True
                pair.upstream.write(data)
                with contextlib.suppress(OSError):
                    await pair.upstream.drain()
                self.stats.bytes_up += len(data)
            else:
                self.stats.dropped_up += len(data)
            await self._cut()
            return True
        if self._reset_budget is not None:
            if len(data) > self._reset_budget:  # the budget's bytes went through; this chunk does not
                self._reset_budget = None
                await self._cut()
                return True
            self._reset_budget -= len(data)
        return False

    async def _cut(self, *, count: bool = True) -> int:
        pairs = list(self._pairs)
        if count:
            self.stats.cuts += 1
        for pair in pairs:
            await self._cut_pair(pair)
        return len(pairs)

    async def _cut_pair(self, pair: _Pair) -> None:
        self._pairs.discard(pair)
        for side in (pair.client, pair.upstream):
            _reset(side)
        current = asyncio.current_task()
        for task in pair.tasks:
            if task is not current:
                task.cancel()

    async def _stall(self, seconds: float) -> None:
        assert self._flowing is not None
        self.stats.stalls += 1
        self._flowing.clear()
        self._loop.call_later(seconds, self._flowing.set)


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with a TCP RST (SO_LINGER 0): the peer sees "connection reset", not a clean close."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()

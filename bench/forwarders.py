"""Bare forwarders: the broker's own ceiling for a Python process doing the dispatcher's I/O and nothing else.

    .venv/bin/python bench/forwarders.py aiopika|aiormq HOME VHOST

Both consume `dispatch` (prefetch 200, manual acks), find the recipient with a byte regex, publish the
original bytes on `distribution` (persistent, `mandatory`, pipelined publisher confirms) and ack the
input only after its confirm: the dispatcher's at-least-once pattern without validation nor trace.

* `aiopika`: aio-pika, one task per delivery (≈ 1,100 msgs/s for 1 KB measured on this machine kind);
* `aiormq`: the protocol layer under aio-pika, no message objects, properties passed through untouched,
  acks coalesced (`multiple=True` up to the highest delivery tag whose whole prefix is confirmed), each
  delivery handled in the task aiormq gives it, publishes awaiting the confirm but not the socket drain.
Prints "ready" once consuming, stops on SIGTERM.
"""

from __future__ import annotations

import asyncio
import re
import signal
import sys
from pathlib import Path
from urllib.parse import quote

import aio_pika
import aiormq
from pamqp.commands import Basic

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hubbench.home import BenchHome
from hubbench.hub.pki import DISPATCHER_CN, Pki
from hubbench.hub.settings import HubSettings
from hubbench.transport.tls import ssl_context

PREFETCH = 200
_RECIPIENT = re.compile(rb'"explicitAddressValue"\s*:\s*"([^"]+)"')
_KIND = re.compile(rb'"distributionKind"\s*:\s*"([^"]+)"')
_SUFFIX = {b"Ack": "ack", b"Error": "info"}


def routing_key(body: bytes) -> str:
    recipient = _RECIPIENT.search(body)
    kind = _KIND.search(body)
    suffix = _SUFFIX.get(kind.group(1) if kind else b"", "message")
    return f"{recipient.group(1).decode() if recipient else ''}.{suffix}"


def url(settings: HubSettings, vhost: str, name: str) -> str:
    return f"amqps://{settings.host}:{settings.amqps_port}/{quote(vhost, safe='')}?auth=external&name={name}"


async def run_aiopika(home: BenchHome, settings: HubSettings, vhost: str, stop: asyncio.Event) -> None:
    ctx = ssl_context(Pki(home.pki_dir).credentials(DISPATCHER_CN))
    connection = await aio_pika.connect(url(settings, vhost, "forwarder-aiopika"), ssl_context=ctx)
    channel = await connection.channel(publisher_confirms=True)
    await channel.set_qos(prefetch_count=PREFETCH)
    exchange = await channel.get_exchange("distribution", ensure=False)
    queue = await channel.get_queue("dispatch", ensure=False)
    tasks: set[asyncio.Task[None]] = set()

    async def handle(message: aio_pika.abc.AbstractIncomingMessage) -> None:
        out = aio_pika.Message(
            message.body,
            content_type=message.content_type,
            delivery_mode=2,
            headers=dict(message.headers or {}),
        )
        await exchange.publish(out, routing_key(message.body), mandatory=True)
        await message.ack()

    async def consume(message: aio_pika.abc.AbstractIncomingMessage) -> None:
        task = asyncio.ensure_future(handle(message))
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    await queue.consume(consume)
    print("ready", flush=True)
    await stop.wait()
    await connection.close()


async def run_aiormq(home: BenchHome, settings: HubSettings, vhost: str, stop: asyncio.Event) -> None:
    ctx = ssl_context(Pki(home.pki_dir).credentials(DISPATCHER_CN))
    connection = await aiormq.connect(url(settings, vhost, "forwarder-aiormq"), context=ctx)
    channel = await connection.channel(publisher_confirms=True)
    await channel.basic_qos(prefetch_count=PREFETCH)
    settled: set[int] = set()  # confirmed (or rejected) deliveries above `top`
    top = [0]  # highest delivery tag whose whole prefix is settled
    wake = asyncio.Event()

    async def handle(message: aiormq.abc.DeliveredMessage) -> None:
        tag = message.delivery_tag
        assert tag is not None
        confirm = await channel.basic_publish(
            message.body,
            exchange="distribution",
            routing_key=routing_key(message.body),
            properties=message.header.properties,
            mandatory=True,
            wait=False,  # await the confirm only, not the socket drain (as the dispatcher)
        )
        if not isinstance(confirm, Basic.Ack):
            await channel.basic_reject(tag, requeue=True, wait=False)
        settled.add(tag)
        while top[0] + 1 in settled:
            top[0] += 1
            settled.discard(top[0])
        wake.set()

    async def acker() -> None:  # the only writer of acks: `multiple` tags only ever grow
        sent = 0
        while True:
            await wake.wait()
            wake.clear()
            if top[0] > sent:
                sent = top[0]
                await channel.basic_ack(sent, multiple=True, wait=False)

    ack_task = asyncio.ensure_future(acker())
    await channel.basic_consume("dispatch", handle)  # aiormq runs each delivery in its own task
    print("ready", flush=True)
    await stop.wait()
    ack_task.cancel()
    await connection.close()


async def main(kind: str, home: BenchHome, vhost: str) -> None:
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    settings = HubSettings.load(home)
    runner = run_aiormq if kind == "aiormq" else run_aiopika
    await runner(home, settings, vhost, stop)


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("aiopika", "aiormq"):
        raise SystemExit("usage : forwarders.py aiopika|aiormq HOME VHOST")
    asyncio.run(main(sys.argv[1], BenchHome(Path(sys.argv[2])), sys.argv[3]))

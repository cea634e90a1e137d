"""What the bench sees of the vendor without its help: management API, trace, broker log.

- `ManagementObserver`: the vendor's connections (user, auth mechanism, TLS, peer certificate),
  consumers on its three queues, queue statistics, channel confirm mode (RabbitMQ management HTTP API:
  `/api/connections`, `/api/queues`, `/api/channels`).
- `TraceObserver`: the dispatcher's trace (`results.models.TraceMessage`): every message the vendor
  published, with its AMQP properties, body and the error code the hub answered.
- `BrokerLog`: ACCESS_REFUSED lines of the node's log for the vendor's user (configure attempts,
  foreign routing keys).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pika.exceptions import AMQPError

from hubbench.engine.clock import Clock
from hubbench.results import TraceView, trace_published_by

if TYPE_CHECKING:
    from hubbench.hub import ManagementClient
    from hubbench.results import Database
    from hubbench.transport import HubClient

QUEUE_SUFFIXES = ("message", "ack", "info")
STATS_POLL_S = 0.25  # management API polls (queue counters come in 1 s samples on our node, see hub/node.py)
LIVE_POLL_S = 0.1  # AMQP passive declarations: one round trip each
TRACE_POLL_S = 0.1  # the dispatcher hands trace rows over every 50 ms; one indexed query per poll


class ManagementObserver:
    def __init__(self, api: ManagementClient, vhost: str, vendor_id: str) -> None:
        self.api = api
        self.vhost = vhost
        self.vendor_id = vendor_id

    def queue_names(self) -> list[str]:
        return [f"{self.vendor_id}.{suffix}" for suffix in QUEUE_SUFFIXES]

    def connections(self) -> list[dict[str, Any]]:
        return [
            c
            for c in self.api.connections_of(self.vendor_id)
            if c.get("user") == self.vendor_id and c.get("vhost") == self.vhost
        ]

    def consumers(self) -> dict[str, list[dict[str, Any]]]:
        """Consumers on each of the vendor's queues (by queue name)."""
        found: dict[str, list[dict[str, Any]]] = {name: [] for name in self.queue_names()}
        # Each queue's own resource lists its consumers: with a whole session's vendors on the vhost,
        # listing every consumer of the vhost on each probe costs the node dearly.
        details = [self.api.queue(self.vhost, name) for name in found]
        if all(d is not None and "consumer_details" in d for d in details):
            for queue_name, detail in zip(found, details, strict=True):
                found[queue_name] = list((detail or {}).get("consumer_details") or [])
            return found
        for consumer in self.api.consumers(self.vhost):
            name = (consumer.get("queue") or {}).get("name")
            if name in found:
                found[name].append(consumer)
        return found

    def queue(self, suffix: str) -> dict[str, Any]:
        return self.api.queue(self.vhost, f"{self.vendor_id}.{suffix}") or {}

    def channels(self) -> list[dict[str, Any]]:
        names = {c.get("name") for c in self.connections()}
        return [ch for ch in self.api.channels() if (ch.get("connection_details") or {}).get("name") in names]

    def close_connections(self) -> list[str]:
        names = [str(c.get("name")) for c in self.connections()]
        for name in names:
            self.api.close_connection(name, "Fermeture forcée par le banc (palier 1, reconnexion)")
        return names


def counter(queue: dict[str, Any], name: str) -> int:
    """A cumulative message counter of a queue (ack, redeliver, deliver, publish); 0 when absent."""
    return int((queue.get("message_stats") or {}).get(name) or 0)


TracedMessage = TraceView  # a row of the hub's trace, as the results room reads it


class LiveQueues:
    """The vendor's queues as the broker sees them now: AMQP passive declarations (ready messages and
    consumers, answered by the queue itself), where the management API lags (about 1 s with the
    node's 1 s samples, 5 s on a node with RabbitMQ's default samples). Uses the injector's
    connection (the dispatcher identity); a passive declaration changes nothing and needs no
    configure permission."""

    def __init__(self, client: HubClient, vendor_id: str) -> None:
        self.client = client  # shared with the injector (same thread)
        self.vendor_id = vendor_id

    def counts(self, suffix: str) -> tuple[int, int]:
        """(ready messages, consumers) of the vendor's queue `<vendor>.<suffix>`."""
        declared = self.client.channel().queue_declare(f"{self.vendor_id}.{suffix}", passive=True)
        return int(declared.method.message_count), int(declared.method.consumer_count)

    def all_counts(self, suffixes: Sequence[str] = QUEUE_SUFFIXES) -> dict[str, tuple[int, int]] | None:
        """The counts of the vendor's queues (default: all three); None when the broker refused to
        answer (callers then fall back on the management API)."""
        try:
            return {suffix: self.counts(suffix) for suffix in suffixes}
        except (AMQPError, OSError):
            return None


class TraceObserver:
    def __init__(self, db: Database, vhost: str, vendor_id: str) -> None:
        self.db = db
        self.vhost = vhost
        self.vendor_id = vendor_id

    def published_by_vendor(self, since: datetime) -> list[TracedMessage]:
        """Messages the vendor published on this vhost since `since` (oldest first)."""
        with self.db.reading() as session:
            start = since - timedelta(seconds=2)  # clock skew between the dispatcher and the engine
            return trace_published_by(session, self.vhost, self.vendor_id, start)

    def wait_for(
        self,
        since: datetime,
        predicate: Callable[[TracedMessage], bool],
        timeout: float,
        clock: Clock,
        *,
        count: int = 1,
        stop: Callable[[], bool] | None = None,
    ) -> list[TracedMessage]:
        """Up to `count` vendor messages matching `predicate`, waiting up to `timeout` (may be fewer);
        the wait also ends as soon as `stop()` is true (an operator's choice through the prompt API)."""
        from hubbench.engine.clock import poll_until

        def probe() -> list[TracedMessage] | None:
            found = [m for m in self.published_by_vendor(since) if predicate(m)]
            if len(found) >= count:
                return found[:count]
            return found if stop is not None and stop() else None

        result = poll_until(probe, clock=clock, timeout=timeout, interval=TRACE_POLL_S)
        if result is not None:
            return result
        return [m for m in self.published_by_vendor(since) if predicate(m)][:count]


class BrokerLog:
    def __init__(self, log_dir: Path, vendor_id: str) -> None:
        self.log_dir = log_dir
        self.vendor_id = vendor_id

    def refusals(self) -> list[str]:
        """Access refusals of the vendor's user ("… refused for user '<id>'"), in every node log file."""
        needle = f"refused for user '{self.vendor_id}'"
        lines: list[str] = []
        for path in sorted(self.log_dir.glob("*.log")) if self.log_dir.is_dir() else []:
            try:
                text = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            lines += [line.strip() for line in text.splitlines() if needle in line]
        return lines

"""The official packs served over http://127.0.0.1 (the pack download path without the network)."""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from support.official import LINE_DIRS, VERSION_LINES, official


@dataclass(frozen=True)
class PackServer:
    url: str  # a pack source template with {tag}, as HUBBENCH_PACK_SOURCE takes it
    requests: list[str]  # paths asked so far


@contextlib.contextmanager
def serve_packs(www: Path, layout: str = "{tag}") -> Iterator[PackServer]:
    """Each official pack's `json-schema` folder at `www/<layout>` (`layout` holds `{tag}`), served on a free
    port of 127.0.0.1 for the block."""
    requests: list[str] = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # one call per request: count, print nothing
            requests.append(self.path)

    for tag, line in VERSION_LINES.items():
        target = www / layout.format(tag=tag)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(official(LINE_DIRS[line], "json-schema"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(www)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield PackServer(f"http://127.0.0.1:{server.server_port}/{layout}/", requests)
    finally:
        server.shutdown()
        server.server_close()

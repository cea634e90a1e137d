"""The run's prompt API over HTTP (standard library `http.server`, one thread per request).

    GET  /runs/{run_id}/prompts?wait=30&since=N   open prompts and attestations (long-poll)
    POST /prompts/{prompt_id}/done                 {"...": ...} what was done (case id, distributionID …)
    POST /attestations/{attestation_id}            {"by", "answer" | "items", "comment"}
    POST /prompts/{prompt_id}/resend | /skip       {"by"} resend or skip an official case step

Every request carries `Authorization: Bearer <token>` (a per-run token). Errors are JSON
{"erreur": "<French message>", "statut": <HTTP code>}. Bound to 127.0.0.1 by default. Described in
docs/prompt-api.md.
"""

from __future__ import annotations

import hmac
import json
import re
import secrets
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from hubbench.engine.prompt_feed import FeedError, PromptFeed
from hubbench.errors import SetupError
from hubbench.promptapi import Endpoint, RunInfo, endpoint_file, publish_endpoint, withdraw_endpoint

MAX_BODY_BYTES = 256_000
_RUN_PROMPTS = re.compile(r"^/runs/([^/]+)/prompts$")
_DONE = re.compile(r"^/prompts/([^/]+)/done$")
_ATTEST = re.compile(r"^/attestations/([^/]+)$")
_CONTROL = re.compile(r"^/prompts/([^/]+)/(resend|skip)$")


class PromptServer:
    """Serves one run's `PromptFeed` until `stop()`."""

    def __init__(self, feed: PromptFeed, *, host: str = "127.0.0.1", port: int = 0,
                 token: str | None = None) -> None:
        self.feed = feed
        self.token = token or secrets.token_urlsafe(24)
        handler = type("Handler", (_Handler,), {"api": self})
        self._httpd = ThreadingHTTPServer((host, port), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.5},
                                        name="prompt-api", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> PromptServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(5)


class _Handler(BaseHTTPRequestHandler):
    api: PromptServer
    server_version = "hubbench-prompt-api/1"
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def _serve(self, method: str) -> None:
        try:
            body = self._read_body()
            self._authorise()
            status, payload = self._route(method, body)
        except FeedError as exc:
            status, payload = exc.status, {"erreur": exc.message, "statut": exc.status}
        self._send(status, payload)

    def _authorise(self) -> None:
        given = self.headers.get("Authorization", "")
        scheme, _, token = given.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise FeedError(401, "Jeton manquant : en-tête « Authorization: Bearer <jeton> » attendu")
        if not hmac.compare_digest(token.strip().encode(), self.api.token.encode()):
            raise FeedError(403, "Jeton refusé pour cette exécution")

    def _read_body(self) -> Any:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError as exc:
            raise FeedError(400, "En-tête Content-Length invalide") from exc
        if length > MAX_BODY_BYTES:
            raise FeedError(413, f"Corps trop volumineux ({length} octets, au plus {MAX_BODY_BYTES})")
        raw = self.rfile.read(length) if length else b""
        if not raw:
            return None
        try:
            return json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise FeedError(400, f"Corps JSON illisible : {exc}") from exc

    def _route(self, method: str, body: Any) -> tuple[int, dict[str, Any]]:
        url = urlsplit(self.path)
        feed = self.api.feed
        if (found := _RUN_PROMPTS.match(url.path)) is not None:
            _only(method, "GET")
            query = parse_qs(url.query)
            return 200, feed.snapshot(found.group(1), since=_int(query, "since", -1),
                                      wait_s=float(_int(query, "wait", 0)))
        if (found := _DONE.match(url.path)) is not None:
            _only(method, "POST")
            return 200, feed.report(found.group(1), {} if body is None else body)
        if (found := _CONTROL.match(url.path)) is not None:
            _only(method, "POST")
            return 202, feed.control(found.group(1), found.group(2), body)
        if (found := _ATTEST.match(url.path)) is not None:
            _only(method, "POST")
            return 202, feed.answer(found.group(1), body)
        raise FeedError(404, f"Ressource inconnue : {url.path}")

    def _send(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload, ensure_ascii=False, default=str).encode("utf-8")
        self.send_response(status, HTTPStatus(status).phrase)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)


def _only(method: str, allowed: str) -> None:
    if method != allowed:
        raise FeedError(405, f"Méthode {method} non permise ici (attendu {allowed})")


def _int(query: dict[str, list[str]], name: str, default: int) -> int:
    values = query.get(name)
    if not values:
        return default
    try:
        return int(values[0])
    except ValueError as exc:
        raise FeedError(400, f"Paramètre « {name} » : entier attendu, reçu {values[0]!r}") from exc


class RunApi:
    """A run's prompt API and its discovery file (`hubbench.promptapi`), from start to `close()`."""

    def __init__(self, server: PromptServer, endpoint_path: Path, run_id: str) -> None:
        self.server = server
        self.endpoint_path = endpoint_path
        self.run_id = run_id

    @classmethod
    def open(cls, feed: PromptFeed, *, run_id: str, home_root: Path, link: str, client_id: str, vhost: str,
             host: str = "127.0.0.1", port: int = 0) -> RunApi:
        feed.expect(RunInfo(run_id, link, vhost, client_id))
        try:
            server = PromptServer(feed, host=host, port=port).start()
        except OSError as exc:
            raise SetupError(f"API des invites impossible à ouvrir sur {host}:{port} ({exc.strerror or exc})",
                             hint="choisissez un autre port avec --prompt-api-port (0 : port libre)") from exc
        path = endpoint_file(home_root, client_id, vhost)
        publish_endpoint(path, Endpoint(run_id, server.url, server.token))
        return cls(server, path, run_id)

    def close(self) -> None:
        withdraw_endpoint(self.endpoint_path, self.run_id)
        self.server.stop()

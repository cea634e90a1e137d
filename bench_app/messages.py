"""Messages of a run for people: a timeline (sent, dispatched, acked, errored), pretty bodies with
validation errors marked at their JSON path, and the vendor's acknowledgement latency (pure code)."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from lxml import etree

from hubbench.protocol import DecodeError, decode
from hubbench.results import MessageView, RunDetail, TraceView

EVENT_SENT = "envoyé par le banc"
EVENT_RECEIVED = "reçu par le banc"
EVENT_DISPATCHED = "acheminé par le hub"
EVENT_ACKED = "acquittement acheminé"
EVENT_ERRORED = "en erreur"

OUTCOME_FR: dict[str, str] = {
    "routed": "acheminé",
    "rejected": "rejeté",
    "dead_letter": "lettre morte",
    "unroutable": "non routable",
    "error_report": "rapport d'erreur",
}


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    event: str
    source: str  # "banc" (the partner's own record) or "hub" (the dispatcher's trace)
    scenario: str | None
    sender: str | None
    recipient: str | None
    kind: str | None
    distribution_id: str | None
    content_type: str | None
    body: bytes | None
    errors: list[dict[str, Any]] = field(default_factory=list)
    detail: str = ""
    forwarded_body: bytes | None = None  # the body the hub delivered, when it converted the message
    forwarded_content_type: str | None = None


def _trace_event(row: TraceView) -> str:
    if row.outcome != "routed" or row.error_code is not None:
        return EVENT_ERRORED
    return EVENT_ACKED if (row.distribution_kind or "").lower() == "ack" else EVENT_DISPATCHED


def _sender_of(body: bytes | None) -> str | None:
    env = parse_json(body)
    sender = env.get("senderID") if isinstance(env, dict) else None
    return sender if isinstance(sender, str) else None


def _queue_owner(queue: str) -> str:
    return queue.rsplit(".", 1)[0] if queue.endswith((".message", ".ack", ".info")) else queue


def timeline(detail: RunDetail, trace: list[TraceView]) -> list[TimelineEntry]:
    """Every message of the run, oldest first: the partner's exchanges and the hub's trace rows."""
    vendor = detail.run.client_id
    entries: list[TimelineEntry] = []
    for scenario in detail.scenarios:
        for msg in scenario.messages:
            sent = msg.direction == "sent"
            entries.append(
                TimelineEntry(
                    at=msg.at,
                    event=EVENT_SENT if sent else EVENT_RECEIVED,
                    source="banc",
                    scenario=scenario.name,
                    sender=_sender_of(msg.body) if sent else vendor,
                    recipient=vendor if sent else _queue_owner(msg.queue),
                    kind=msg.kind,
                    distribution_id=msg.distribution_id,
                    content_type=msg.content_type,
                    body=msg.body,
                    detail=f"file {msg.queue}",
                )
            )
    for row in trace:
        outcome = OUTCOME_FR.get(row.outcome, row.outcome)
        code = f", code {row.error_code}" if row.error_code is not None else ""
        entries.append(
            TimelineEntry(
                at=row.at,
                event=_trace_event(row),
                source="hub",
                scenario=None,
                sender=row.sender_id,
                recipient=row.recipient_id,
                kind=row.kind,
                distribution_id=row.distribution_id,
                content_type=row.content_type,
                body=row.body,
                errors=list(row.errors),
                detail=f"{outcome}{code}" + (f" → {row.routed_to}" if row.routed_to else "")
                + (" (converti par le hub)" if row.forwarded_body is not None else ""),
                forwarded_body=row.forwarded_body,
                forwarded_content_type=row.forwarded_content_type,
            )
        )
    return sorted(entries, key=lambda entry: entry.at)


# --- bodies -------------------------------------------------------------------------------------


def parse_json(body: bytes | None) -> Any | None:
    if not body:
        return None
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None


def pretty_xml(body: bytes) -> str | None:
    try:
        root = etree.fromstring(body, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return None
    return etree.tostring(root, pretty_print=True, encoding="unicode")


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if re.fullmatch(r"[A-Za-z_$@][\w$@-]*", key) else f"{path}[{json.dumps(key)}]"


def json_lines(value: Any) -> list[tuple[str, str]]:
    """`json.dumps(value, indent=2)`-like lines, each with the JSON path of what it shows."""
    out: list[tuple[str, str]] = []

    def walk(node: Any, path: str, depth: int, prefix: str, comma: str) -> None:
        pad = "  " * depth
        if isinstance(node, dict) and node:
            out.append((path, f"{pad}{prefix}{{"))
            for i, (key, child) in enumerate(node.items()):
                walk(
                    child,
                    _join(path, str(key)),
                    depth + 1,
                    f"{json.dumps(str(key), ensure_ascii=False)}: ",
                    "," if i < len(node) - 1 else "",
                )
            out.append((path, f"{pad}}}{comma}"))
        elif isinstance(node, list) and node:
            out.append((path, f"{pad}{prefix}["))
            for i, child in enumerate(node):
                walk(child, _join(path, i), depth + 1, "", "," if i < len(node) - 1 else "")
            out.append((path, f"{pad}]{comma}"))
        else:
            out.append((path, f"{pad}{prefix}{json.dumps(node, ensure_ascii=False)}{comma}"))

    walk(value, "$", 0, "", "")
    return out


def normalise_path(path: str) -> str:
    """ "$.a.b[0]", "/a/b/0" (JSON pointer), "a.b.0" or "" → "$.a.b[0]"."""
    path = path.strip()
    if path.startswith("$"):
        return path
    parts = [p for p in re.split(r"[/.]", path) if p]
    out = "$"
    for part in parts:
        out = _join(out, int(part) if part.isdigit() else part.replace("~1", "/").replace("~0", "~"))
    return out


def _locate(paths: list[str], wanted: str) -> str | None:
    """The line path an error belongs to: exact match, else the deepest path ending with it (errors
    may be relative to the message content rather than the envelope)."""
    if wanted in paths:
        return wanted
    tail = wanted[1:]
    if tail:
        candidates = [p for p in paths if p.endswith(tail) and p[-len(tail) - 1] != "."]
        candidates = [p for p in candidates if tail[0] in ".["]
        if candidates:
            return candidates[0]
    return None


def highlighted_json_html(value: Any, errors: list[dict[str, Any]]) -> str:
    """A monospace block of the pretty JSON, with the first line of every path in error marked and the
    error's French message written next to it; errors whose path is not in the document are listed
    above the block."""
    lines = json_lines(value)
    paths = [p for p, _ in lines]
    notes: dict[str, list[str]] = {}
    unplaced: list[str] = []
    for err in errors:
        message = str(err.get("message") or err.get("rule") or "erreur")
        where = _locate(paths, normalise_path(str(err.get("path") or "$")))
        if where is None:
            unplaced.append(f"{err.get('path')} : {message}")
        else:
            notes.setdefault(where, []).append(message)
    head = "".join(f'<div style="color:#b71c1c">⚠ {html.escape(item)}</div>' for item in unplaced)
    return head + _marked_html(lines, notes, "hb-err", "#ffcdd2", "#b71c1c")


def _marked_html(lines: list[tuple[str, str]], notes: dict[str, list[str]], css: str, background: str,
                 colour: str) -> str:
    """The JSON lines as one monospace block, the first line of each noted path marked with its notes."""
    rendered: list[str] = []
    marked: set[str] = set()
    for path, text in lines:
        if path in notes and path not in marked:
            marked.add(path)
            note = " ; ".join(notes[path])
            rendered.append(
                f'<div><mark class="{css}" data-path="{html.escape(path)}" style="background:{background}">'
                f"{html.escape(text)}</mark>"
                f'<span style="color:{colour};font-weight:600">  ⟵ {html.escape(note)}</span></div>'
            )
        else:
            rendered.append(f"<div>{html.escape(text) or '&nbsp;'}</div>")
    # one line of HTML, one <div> per JSON line: Markdown rendering cannot reflow it
    style = "font-family:monospace;font-size:0.8rem;line-height:1.3;white-space:pre;overflow-x:auto"
    return f'<div class="hb-json" style="{style}">{"".join(rendered)}</div>'


# --- converted messages (received vs delivered) -------------------------------------------------------

CONVERTED_KEYS = ("createCaseHealth", "createCase")  # the use cases the hub converts (RS-EDA ⇄ RC-EDA)
MARK_CHANGED = "modifié par la conversion"
MARK_DROPPED = "supprimé par la conversion"
MARK_ADDED = "ajouté par la conversion"


def _leaves(value: Any) -> dict[str, Any]:
    """{JSON path of a leaf (use-case key written `*`): its value} of a decoded envelope."""
    found: dict[str, Any] = {}

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict) and node:
            for key, child in node.items():
                walk(child, _join(path, "*" if key in CONVERTED_KEYS else str(key)))
        elif isinstance(node, list) and node:
            for i, child in enumerate(node):
                walk(child, _join(path, i))
        else:
            found[path] = node

    walk(value, "$")
    return found


def _use_case_key(node: Any) -> str | None:
    if isinstance(node, dict):
        for key, child in node.items():
            found = key if key in CONVERTED_KEYS else _use_case_key(child)
            if found:
                return found
    elif isinstance(node, list):
        return next((k for k in map(_use_case_key, node) if k), None)
    return None


def _real_path(path: str, value: Any) -> str:
    """A `*` path back to the document's own use-case key."""
    key = _use_case_key(value)
    return path.replace('["*"]', f".{key}", 1) if key else path


def conversion_marks(received: Any, delivered: Any) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """The mapped fields of a converted message: (notes on the received body's paths — dropped or
    changed —, notes on the delivered body's paths — added or changed). Paths are compared with the
    use-case key (createCaseHealth / createCase) aside."""
    before, after = _leaves(received), _leaves(delivered)
    left: dict[str, list[str]] = {}
    right: dict[str, list[str]] = {}
    for path, value in before.items():
        if path not in after:
            left.setdefault(_real_path(path, received), []).append(MARK_DROPPED)
        elif after[path] != value:
            left.setdefault(_real_path(path, received), []).append(MARK_CHANGED)
            right.setdefault(_real_path(path, delivered), []).append(MARK_CHANGED)
    for path in after.keys() - before.keys():
        right.setdefault(_real_path(path, delivered), []).append(MARK_ADDED)
    return left, right


def decoded(body: bytes | None, content_type: str | None) -> dict[str, Any] | None:
    """A JSON or XML body in its JSON form (XML as the hub's codec reads it); None when unreadable."""
    if not body:
        return None
    try:
        return decode(body, content_type)
    except (DecodeError, ValueError):
        return None


def mapped_json_html(value: Any, notes: dict[str, list[str]]) -> str:
    """The pretty JSON with the mapped fields of a conversion marked (amber) and their note."""
    return _marked_html(json_lines(value), notes, "hb-map", "#ffe0b2", "#e65100")


# --- acknowledgements ---------------------------------------------------------------------------


def _reference_id(node: Any) -> str | None:
    if isinstance(node, dict):
        ref = node.get("reference")
        if isinstance(ref, dict) and isinstance(ref.get("distributionID"), str):
            return ref["distributionID"]
        children = node.values()
    elif isinstance(node, list):
        children = node
    else:
        return None
    for child in children:
        found = _reference_id(child)
        if found:
            return found
    return None


def acked_distribution_id(body: bytes | None, content_type: str | None) -> str | None:
    """The distributionID an RC-REF acknowledges (DST 1.2 §3.4.6), JSON or XML; None otherwise."""
    if not body:
        return None
    if "xml" in (content_type or ""):
        try:
            root = etree.fromstring(body, parser=etree.XMLParser(resolve_entities=False, no_network=True))
        except etree.XMLSyntaxError:
            return None
        found = root.xpath("//*[local-name()='reference']/*[local-name()='distributionID']/text()")
        return str(found[0]) if found else None
    return _reference_id(parse_json(body))


def ack_latencies_s(messages: list[MessageView]) -> list[float]:
    """Seconds from each message the bench sent to the vendor's RC-REF for it (first one counts)."""
    sent = {m.distribution_id: m.at for m in messages if m.direction == "sent" and m.distribution_id}
    latencies: dict[str, float] = {}
    for msg in sorted(messages, key=lambda m: m.at):
        if msg.direction != "received":
            continue
        acked = acked_distribution_id(msg.body, msg.content_type)
        if acked in sent and acked not in latencies:
            latencies[acked] = (msg.at - sent[acked]).total_seconds()
    return list(latencies.values())

"""Bytes ↔ JSON-form envelopes, for both wire formats (DST 1.2 §3.4.1, §3.4.3–§3.4.4;
XML form: `ansforge/SAMU-Hub-Modeles` `src/main/resources/xsd/RC-XML-ContentType.xsd`).

`decode` always returns the JSON form. XML is mapped to it as the hub's Jackson mapper does:
`contentObject/contentXML/embeddedXMLContent` ↔ `jsonContent/embeddedJsonContent`, namespaces ignored on
input, repeated elements → arrays. XML carries no types, so the conversion is guided by the pack's JSON
schemas (which properties are arrays, integers, numbers, booleans, objects; `$ref`s followed across
files). A value that cannot take its schema type is kept as text, so validation reports it. Limits of
the XML form: empty arrays and JSON `null` have no XML representation; without a schema every leaf is
text; mixed content (text next to child elements) is kept under the key `#text`.

Input hygiene (decided here, never a crash):
* empty or whitespace-only body, body over `MAX_BODY_BYTES`, invalid UTF-8 → `DecodeError`;
* a byte-order mark is **refused** (`bom`): the hub reads the body as a UTF-8 string and hands it to
  Jackson, which does not skip a leading U+FEFF, and RFC 8259 §8.1 forbids emitting one;
* XML with a DTD (`<!DOCTYPE …>`, entity declarations) is refused (`xml_dtd`): the parser never loads
  DTDs, never resolves entities, never uses the network and keeps libxml2's size limits, so an XML bomb
  or an external entity cannot expand (official sample `failing/EDXL-DE/external-entity.xml`).

Content type: `…json…` → JSON, `…xml…` → XML, anything else → sniffed from the first character.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any, Literal

from lxml import etree

from hubbench.protocol.codes import ErrorCode
from hubbench.protocol.kinds import KINDS
from hubbench.protocol.packs import ENVELOPE_SCHEMA, HEADER_SCHEMA, SchemaPack

MAX_BODY_BYTES = 16 * 1024 * 1024
JSON_TYPE = "application/json"
XML_TYPE = "application/xml"

NS_EDXL = "urn:oasis:names:tc:emergency:EDXL:DE:2.0"
NS_XLINK = "http://www.w3.org/1999/xlink"
NS_CT = "urn:oasis:names:tc:emergency:edxl:ct:1.0"
MESSAGE_NS = {"1": "urn:emergency:cisu:2.0", "2": "urn:emergency:cisu:2.0", "3": "urn:emergency:eda:1.9"}
TEXT_KEY = "#text"

_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_INT_RE = re.compile(r"^[+-]?\d+$")
_NUM_RE = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_ENVELOPE_KEYS = ("distributionID", "senderID", "descriptor", "content", "dateTimeSent")

Format = Literal["json", "xml"]

_REASONS = {
    "empty": "corps du message vide",
    "too_large": "corps du message trop volumineux",
    "not_utf8": "le corps n'est pas de l'UTF-8 valide",
    "bom": "marque d'ordre des octets (BOM) en tête du corps : refusée",
    "unknown_format": "le corps n'est ni du JSON ni du XML",
    "not_json": "JSON invalide",
    "not_object": "le JSON doit être un objet",
    "not_xml": "XML invalide",
    "xml_dtd": "XML avec DTD ou entités : refusé (DTD/entités externes interdites)",
}


class DecodeError(ValueError):
    """A body that cannot be read as a message. `reason` is a stable key, `detail` says what arrived."""

    def __init__(self, reason: str, detail: str = "", fmt: Format | None = None) -> None:
        self.reason = reason
        self.detail = detail
        self.format = fmt
        super().__init__(self.message)

    @property
    def message(self) -> str:
        text = _REASONS.get(self.reason, self.reason)
        return f"{text} ({self.detail})" if self.detail else text

    @property
    def error_code(self) -> ErrorCode:
        """What the hub's dispatcher answers: unparsable JSON → 301 (Jackson IOException), else → 300."""
        return ErrorCode.SCHEMA_NOT_FOUND if self.format == "json" else ErrorCode.INVALID_MESSAGE


class EncodeError(ValueError):
    """An envelope that has no representation in the requested format."""


def is_envelope(obj: Any) -> bool:
    """True for an EDXL-DE envelope, False for a bare use-case object such as `{"createCase": …}`."""
    return isinstance(obj, Mapping) and any(k in obj for k in _ENVELOPE_KEYS)


def _text_of(body: bytes) -> str:
    if not body:
        raise DecodeError("empty")
    if len(body) > MAX_BODY_BYTES:
        raise DecodeError("too_large", f"{len(body)} octets, limite {MAX_BODY_BYTES}")
    if body.startswith(_BOMS):
        raise DecodeError("bom", body[:3].hex(" "))
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DecodeError("not_utf8", f"octet invalide à la position {exc.start}") from exc
    if not text.strip():
        raise DecodeError("empty", "seulement des blancs")
    return text


def sniff(text: str, content_type: str | None) -> Format:
    ctype = (content_type or "").lower()
    if "json" in ctype:
        return "json"
    if "xml" in ctype:
        return "xml"
    first = text.lstrip()[:1]
    if first in ("{", "["):
        return "json"
    if first == "<":
        return "xml"
    raise DecodeError("unknown_format", f"premier caractère {first!r}")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"constante non JSON {name}")


def decode(body: bytes, content_type: str | None, pack: SchemaPack | None = None) -> dict[str, Any]:
    """Parse a message body into its JSON form (envelope, or bare use case for standalone objects)."""
    text = _text_of(bytes(body))
    fmt = sniff(text, content_type)
    if fmt == "json":
        try:
            obj = json.loads(text, parse_constant=_reject_constant)
        except (ValueError, RecursionError) as exc:
            raise DecodeError("not_json", str(exc)[:200], "json") from exc
        if not isinstance(obj, dict):
            raise DecodeError("not_object", f"reçu {type(obj).__name__}", "json")
        return obj
    return xml_to_json(text, pack)


# -- XML → JSON ---------------------------------------------------------------------------------------


def _parse_xml(text: str) -> Any:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                             dtd_validation=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(text.encode("utf-8"), parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        if "<!DOCTYPE" in text or "<!ENTITY" in text:
            raise DecodeError("xml_dtd", str(exc)[:200], "xml") from exc
        raise DecodeError("not_xml", str(exc)[:200], "xml") from exc
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise DecodeError("xml_dtd", docinfo.doctype or "DTD interne", "xml")
    return root


def _local(el: Any) -> str:
    tag: str = el.tag
    return tag[tag.rfind("}") + 1:]


def _children(el: Any) -> list[Any]:
    return [c for c in el if isinstance(c.tag, str)]


class _Guide:
    """Navigates a pack's JSON schemas to type XML leaves (`$ref`s within and across files)."""

    def __init__(self, pack: SchemaPack | None) -> None:
        self.schemas: Mapping[str, Any] = pack.schemas if pack else {}
        self.kinds: dict[str, str] = {}
        if pack is not None and not pack.provisional:
            self.kinds = {k: v[0] for k, v in pack.kinds().items()}
        elif pack is not None:
            self.kinds = {k: i.schema_for(pack.line) for k, i in KINDS.items()}

    def resolve(self, node: Any, doc: str) -> tuple[Any, str]:
        for _ in range(32):
            if not isinstance(node, dict) or "$ref" not in node:
                return node, doc
            ref = str(node["$ref"])
            file, _, pointer = ref.partition("#")
            doc = file or doc
            target: Any = self.schemas.get(doc)
            for part in [p for p in pointer.split("/") if p]:
                target = target.get(part) if isinstance(target, dict) else None
            node = target
        return None, doc

    def root(self, file: str | None) -> tuple[Any, str]:
        return (self.resolve(self.schemas.get(file), file) if file else (None, ""))

    def prop(self, node: Any, doc: str, name: str) -> tuple[Any, str]:
        props = node.get("properties") if isinstance(node, dict) else None
        if isinstance(props, dict) and name in props:
            return self.resolve(props[name], doc)
        return None, doc


_GUIDES: dict[str, _Guide] = {}


def _guide_for(pack: SchemaPack | None) -> _Guide:
    """One guide per pack content (building it walks the full schema)."""
    if pack is None:
        return _Guide(None)
    guide = _GUIDES.get(pack.digest)
    if guide is None:
        guide = _GUIDES.setdefault(pack.digest, _Guide(pack))
    return guide


def _scalar(text: str | None, node: Any) -> Any:
    text = text or ""
    kind = node.get("type") if isinstance(node, dict) else None
    stripped = text.strip()
    if kind == "integer" and _INT_RE.match(stripped):
        return int(stripped)
    if kind == "number" and _NUM_RE.match(stripped):
        if _INT_RE.match(stripped):
            return int(stripped)
        value = float(stripped)
        return value if math.isfinite(value) else text
    if kind == "boolean" and stripped in ("true", "false", "1", "0"):
        return stripped in ("true", "1")
    if kind == "object" and not stripped:
        return {}
    return text


def _group(pairs: list[tuple[str, Any, bool]]) -> dict[str, Any]:
    """(name, value, schema says array) → object; repeated non-array names become arrays (validation
    then reports "array found, object expected" as the hub does)."""
    out: dict[str, Any] = {}
    arrays: set[str] = set()
    for name, value, is_array in pairs:
        if is_array or name in arrays:
            out.setdefault(name, []).append(value)
            arrays.add(name)
        elif name in out:
            out[name] = [out[name], value]
            arrays.add(name)
        else:
            out[name] = value
    return out


def _typed_child(child: Any, node: Any, doc: str, guide: _Guide) -> tuple[str, Any, bool]:
    if _local(child) == "sourceMessage" and child.find("{*}content") is not None:
        return "sourceMessage", _envelope(child, guide), False  # RS-ERROR quotes a whole envelope
    is_array = isinstance(node, dict) and node.get("type") == "array"
    if is_array:
        node, doc = guide.resolve(node.get("items"), doc)
    return _local(child), _convert(child, node, doc, guide), is_array


def _convert(el: Any, node: Any, doc: str, guide: _Guide) -> Any:
    kids = _children(el)
    if not kids:
        return _scalar(el.text, node)
    out = _group([_typed_child(c, *guide.prop(node, doc, _local(c)), guide) for c in kids])
    if el.text and el.text.strip():
        out[TEXT_KEY] = el.text
    return out


def _message(el: Any, guide: _Guide) -> Any:
    """`<message>`: RC-DE fields typed by RC-DE.schema.json, use cases by their own schema file."""
    header, header_doc = guide.root(HEADER_SCHEMA)
    kids = _children(el)
    if not kids:
        return _scalar(el.text, {"type": "object"})
    pairs = []
    for child in kids:
        name = _local(child)
        if name in guide.kinds:
            node, doc = guide.root(guide.kinds[name])
            pairs.append(_typed_child(child, node if node is not None else {"type": "object"}, doc, guide))
        else:
            pairs.append(_typed_child(child, *guide.prop(header, header_doc, name), guide))
    return _group(pairs)


def _content_object(el: Any, guide: _Guide) -> Any:
    embedded = el.find("{*}contentXML/{*}embeddedXMLContent")
    if embedded is None:
        return _convert(el, None, "", guide)
    kids = _children(embedded)
    inner: dict[str, Any] = {}
    for child in kids:
        name = _local(child)
        inner[name] = _message(child, guide) if name == "message" else _convert(child, None, "", guide)
    return {"jsonContent": {"embeddedJsonContent": inner}}


def xml_to_json(text: str, pack: SchemaPack | None = None) -> dict[str, Any]:
    root = _parse_xml(text)
    guide = _guide_for(pack)
    name = _local(root)
    if name != "edxlDistribution":
        node, doc = guide.root(guide.kinds.get(name))
        if name == "message":
            # Not always an object: a text-only <message> decodes to its text (callers check the type).
            message: dict[str, Any] = _message(root, guide)
            return message
        return {name: _convert(root, node if node is not None else {"type": "object"}, doc, guide)}
    return _envelope(root, guide)


def _envelope(root: Any, guide: _Guide) -> dict[str, Any]:
    env_node, env_doc = guide.root(ENVELOPE_SCHEMA)
    pairs: list[tuple[str, Any, bool]] = []
    for child in _children(root):
        if _local(child) != "content":
            pairs.append(_typed_child(child, *guide.prop(env_node, env_doc, _local(child)), guide))
            continue
        objects = child.findall("{*}contentObject") or [child]
        pairs += [("content", _content_object(o, guide), True) for o in objects]
    return _group(pairs)


# -- JSON → XML ---------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if not math.isfinite(value):
            raise EncodeError(f"nombre non représentable : {value}")
        return repr(value)
    return str(value)


def _append(parent: Any, ns: str, key: str, value: Any) -> None:
    if value is None:
        return
    if key == TEXT_KEY:
        parent.text = _text(value)
        return
    try:
        tag = etree.QName(ns, key)
    except ValueError as exc:
        raise EncodeError(f"nom de champ sans équivalent XML : {key!r}") from exc
    if isinstance(value, list):
        for item in value:
            _append(parent, ns, key, item)
        return
    try:
        el = etree.SubElement(parent, tag)
        _fill(el, ns, value)
    except ValueError as exc:
        raise EncodeError(f"valeur sans équivalent XML pour {key!r} : {exc}") from exc


def _fill(el: Any, ns: str, value: Any) -> None:
    if isinstance(value, Mapping):
        for key, child in value.items():
            _append(el, ns, key, child)
    else:
        el.text = _text(value)


def _use_case_ns(line: str, key: str) -> str:
    info = KINDS.get(key)
    return f"{MESSAGE_NS[line]}:{info.xml_name}" if info else MESSAGE_NS[line]


def _message_el(parent: Any, message: Any, line: str) -> None:
    ns = MESSAGE_NS[line]
    el = etree.SubElement(parent, etree.QName(ns, "message"), nsmap={None: ns})
    if not isinstance(message, Mapping):
        el.text = _text(message)
        return
    for key, value in message.items():
        if key in KINDS and isinstance(value, Mapping):
            uc_ns = _use_case_ns(line, key)
            child = etree.SubElement(el, etree.QName(uc_ns, key), nsmap={None: uc_ns})
            _fill(child, uc_ns, value)
        else:
            _append(el, ns, key, value)


_ENVELOPE_ORDER = ("distributionID", "senderID", "dateTimeSent", "dateTimeExpires", "distributionStatus",
                   "distributionKind", "descriptor", "content")


def json_to_xml(obj: Mapping[str, Any], line: str = "3") -> bytes:
    """XML form of an envelope (or of a bare use case / message object)."""
    if not is_envelope(obj):
        if len(obj) == 1 and next(iter(obj)) in KINDS:
            key, value = next(iter(obj.items()))
            ns = _use_case_ns(line, key)
            root = etree.Element(etree.QName(ns, key), nsmap={None: ns})
            _fill(root, ns, value)
        else:
            holder = etree.Element("holder")
            _message_el(holder, obj, line)
            root = holder[0]
        return _serialise(root)
    xtype = etree.QName(NS_XLINK, "type")
    root = etree.Element(etree.QName(NS_EDXL, "edxlDistribution"),
                         nsmap={None: NS_EDXL, "xlink": NS_XLINK, "ct": NS_CT})
    root.set(xtype, "extended")
    keys = [k for k in _ENVELOPE_ORDER if k in obj] + [k for k in obj if k not in _ENVELOPE_ORDER]
    for key in keys:
        value = obj[key]
        if key == "content" and isinstance(value, list):
            content = etree.SubElement(root, etree.QName(NS_EDXL, "content"))
            content.set(xtype, "resource")
            for item in value:
                _content_el(content, item, line)
        elif key == "descriptor" and isinstance(value, Mapping):
            descriptor = etree.SubElement(root, etree.QName(NS_EDXL, "descriptor"))
            descriptor.set(xtype, "resource")
            _fill(descriptor, NS_EDXL, value)
        else:
            _append(root, NS_EDXL, key, value)
    return _serialise(root)


def _serialise(root: Any) -> bytes:
    xml: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return xml


def _content_el(content: Any, item: Any, line: str) -> None:
    obj = etree.SubElement(content, etree.QName(NS_EDXL, "contentObject"))
    obj.set(etree.QName(NS_XLINK, "type"), "resource")
    try:
        embedded_json = item["jsonContent"]["embeddedJsonContent"]
    except (KeyError, TypeError):
        _fill(obj, NS_EDXL, item)
        return
    embedded = etree.SubElement(etree.SubElement(obj, etree.QName(NS_EDXL, "contentXML")),
                                etree.QName(NS_EDXL, "embeddedXMLContent"))
    for key, value in (embedded_json.items() if isinstance(embedded_json, Mapping) else []):
        if key == "message":
            _message_el(embedded, value, line)
        else:
            _append(embedded, NS_EDXL, key, value)


def encode(env: Mapping[str, Any], fmt: Format = "json", *, pack: SchemaPack | None = None
           ) -> tuple[bytes, str]:
    """Serialise a JSON-form envelope; XML uses the message namespace of the pack's line (3.x default)."""
    if fmt == "json":
        return json.dumps(env, ensure_ascii=False).encode("utf-8"), JSON_TYPE
    if fmt == "xml":
        return json_to_xml(env, pack.line if pack else "3"), XML_TYPE
    raise ValueError(f"format inconnu : {fmt!r} (json ou xml)")

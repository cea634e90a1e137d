"""Hypothesis strategies of dispatcher inputs, each with the outcome the hub must give (DST 1.2 §3.2,
§3.4.1, §3.4.7; the Java dispatcher of `ansforge/SAMU-Hub-Sante`).

Shared by `tests/reliability/test_fuzz_dispatcher.py` (in-process and on the wire) and
`bench/reliability.py`. Every `Case` carries its own oracle, written from those sources and independent of
the pipeline's code:

* content type not exactly `application/json`/`application/xml` (health routing key) → 101;
* JSON body not readable as strict UTF-8 JSON (Jackson: no NaN, no BOM, no UTF-16) → 301;
* readable JSON that is not a valid envelope, any XML that is not a valid envelope (bombs included,
  entities are never expanded) → 300;
* unknown key in `message` → 102; senderID ≠ routing key → 200; not persistent → 100;
  distributionID prefix ≠ senderID → 300; dateTimeExpires already past → 400;
* recipient without a queue → forwarded in the pure pipeline, 501 NO_ROUTE on the wire;
* anything else valid → forwarded to `<recipient>.message`.
"""

from __future__ import annotations

import copy
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import strategies as st

from hubbench.protocol import build_message, custom_content_use_case, encode

JSON, XML = "application/json", "application/xml"
ROUTE = "route"
BIG = 10 * 1024 * 1024


@dataclass(frozen=True)
class Ids:
    sender: str  # the publishing client (routing key)
    recipient: str  # a client with queues
    other: str  # another health client id (for 200)
    nobody: str = "fr.health.nobody"  # a health id without queues (501 on the wire)


@dataclass(frozen=True)
class Case:
    label: str
    body: bytes
    expected: int | str  # error code, or ROUTE
    content_type: str | None = JSON
    delivery_mode: int | None = 2
    expiration: str | None = None
    headers: dict[str, Any] = field(default_factory=dict)
    ref_id: str | None = None  # the distributionID the error report must reference, when unique
    expected_wire: int | str | None = None  # when the broker changes the outcome (NO_ROUTE)

    @property
    def on_wire(self) -> int | str:
        return self.expected if self.expected_wire is None else self.expected_wire

    @property
    def malformed(self) -> bool:
        return self.on_wire != ROUTE


def strict_json(body: bytes) -> bool:
    """True when the body is UTF-8 JSON that a strict parser (Jackson's defaults) reads."""
    def refuse(name: str) -> Any:
        raise ValueError(name)

    try:
        json.loads(body.decode("utf-8"), parse_constant=refuse)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return False
    return True


def json_oracle(body: bytes) -> int:
    """A JSON body that is no valid envelope: 301 when unreadable, else 300."""
    return 300 if strict_json(body) else 301


def envelope(ids: Ids, text: str = "essai", **kwargs: Any) -> dict[str, Any]:
    return build_message(ids.sender, kwargs.pop("recipient", ids.recipient),
                         custom_content_use_case(text=text), **kwargs)


def _dump(env: dict[str, Any]) -> bytes:
    return json.dumps(env, ensure_ascii=False).encode("utf-8")


# ------------------------------------------------------------------------------------------- valid
texts = st.text(max_size=300)
xml_texts = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=300)  # XML 1.0 characters


@st.composite
def valid(draw: st.DrawFn, ids: Ids) -> Case:
    if draw(st.booleans()):
        env = envelope(ids, draw(xml_texts))
        body, ctype = encode(env, "xml")
        return Case("valide-xml", body, ROUTE, content_type=ctype, ref_id=env["distributionID"])
    env = envelope(ids, draw(texts))
    return Case("valide", _dump(env), ROUTE, ref_id=env["distributionID"])


# ------------------------------------------------------------------------------------------- malformed
@st.composite
def random_bytes(draw: st.DrawFn, ids: Ids) -> Case:
    body = draw(st.binary(max_size=2000))
    if draw(st.booleans()):
        return Case("octets-aléatoires-xml", body, 300, content_type=XML)
    return Case("octets-aléatoires", body, json_oracle(body))


@st.composite
def truncated(draw: st.DrawFn, ids: Ids) -> Case:
    env = envelope(ids, draw(texts))
    body = _dump(env)
    cut = draw(st.integers(0, len(body) - 1))
    return Case("json-tronqué", body[:cut], json_oracle(body[:cut]))


@st.composite
def nested(draw: st.DrawFn, ids: Ids) -> Case:
    depth = draw(st.sampled_from([10, 200, 5000, 100_000]))  # clear of the 255 and ~1000 limits
    opener, closer = draw(st.sampled_from([(b"[", b"]"), (b'{"a":', b"}")]))
    core = b"1" if opener != b"[" else b""
    body = opener * depth + core + closer * depth
    if draw(st.booleans()):  # the nesting inside an otherwise valid envelope's message
        env = envelope(ids)
        marker = "__NEST__"
        env["content"][0]["jsonContent"]["embeddedJsonContent"]["message"]["customContent"]["text"] = marker
        raw = _dump(env).replace(f'"{marker}"'.encode(), body)  # customContent is open: any JSON goes
        readable = strict_json(raw)
        return Case("json-imbriqué-enveloppe", raw, ROUTE if readable else 301,
                    ref_id=env["distributionID"] if readable else None)
    return Case("json-imbriqué", body, json_oracle(body))


_LAUGHS = "".join(f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
BOMBS = {
    "xml-milliard-de-rires": f'<?xml version="1.0"?><!DOCTYPE e [<!ENTITY l0 "lol">{_LAUGHS}]>'
                             "<edxlDistribution><distributionID>&l9;</distributionID></edxlDistribution>",
    "xml-explosion-quadratique": '<?xml version="1.0"?><!DOCTYPE e [<!ENTITY a "' + "A" * 50_000 + '">]>'
                                 "<edxlDistribution><distributionID>" + "&a;" * 5000
                                 + "</distributionID></edxlDistribution>",
    "xml-entité-externe": '<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                          "<edxlDistribution><distributionID>&x;</distributionID></edxlDistribution>",
    "xml-dtd-distante": '<?xml version="1.0"?><!DOCTYPE e SYSTEM "http://127.0.0.1:9/x.dtd">'
                        "<edxlDistribution/>",
}


@st.composite
def xml_bomb(draw: st.DrawFn, ids: Ids) -> Case:
    kind = draw(st.sampled_from([*BOMBS, "xml-attribut-énorme", "xml-profond"]))
    if kind == "xml-attribut-énorme":
        size = draw(st.sampled_from([10_000, 1_000_000, 5_000_000]))
        body = b'<edxlDistribution a="' + b"x" * size + b'"/>'
    elif kind == "xml-profond":
        depth = draw(st.sampled_from([100, 10_000, 200_000]))
        body = b"<a>" * depth + b"</a>" * depth
    else:
        body = BOMBS[kind].encode()
    return Case(kind, body, 300, content_type=XML)


@st.composite
def wrong_encoding(draw: st.DrawFn, ids: Ids) -> Case:
    env = envelope(ids, "Évacuation urgente : brûlure " + draw(xml_texts))
    text = json.dumps(env, ensure_ascii=False)
    codec = draw(st.sampled_from(["utf-16", "utf-16-le", "utf-32", "latin-1", "cp1252", "utf-8-sig"]))
    if codec in ("latin-1", "cp1252") and draw(st.booleans()):
        xml_body, _ = encode(env, "xml")
        body = xml_body.decode("utf-8").encode(codec, "replace")  # declared UTF-8, is not
        return Case(f"xml-{codec}", body, 300, content_type=XML)
    return Case(f"json-{codec}", text.encode(codec, "replace"), 301)


_ROOT_FIELDS = ("distributionID", "senderID", "dateTimeSent", "dateTimeExpires", "distributionStatus",
                "distributionKind", "descriptor", "content")
_NESTED = (("descriptor", "language"), ("descriptor", "explicitAddress"),
           ("descriptor", "explicitAddress", "explicitAddressScheme"),
           ("descriptor", "explicitAddress", "explicitAddressValue"))
_BAD_VALUES = (None, 42, 3.5, True, [], {}, ["x"])


@st.composite
def mutated(draw: st.DrawFn, ids: Ids) -> Case:
    """One field of a valid envelope changed; the outcome follows from which field and how."""
    past = datetime.now(UTC) - timedelta(minutes=10)
    kind = draw(st.sampled_from(["supprimé", "mauvais-type", "clé-racine", "clé-message", "émetteur",
                                 "préfixe-id", "expiré", "destinataire-inconnu", "statut", "nature"]))
    env = envelope(ids, draw(texts))
    ref = env["distributionID"]
    if kind in ("supprimé", "mauvais-type"):
        path = draw(st.sampled_from([(f,) for f in _ROOT_FIELDS] + list(_NESTED)))
        parent = env
        for key in path[:-1]:
            parent = parent[key]
        if kind == "supprimé":
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(st.sampled_from(_BAD_VALUES))
        return Case(f"enveloppe-{kind}-{'.'.join(path)}", _dump(env), 300,
                    ref_id=ref if path != ("distributionID",) else None)
    if kind == "clé-racine":
        env[draw(st.sampled_from(["extra", "distributionId", "signature"]))] = "x"
        return Case("enveloppe-clé-racine", _dump(env), 300, ref_id=ref)
    if kind == "clé-message":
        env["content"][0]["jsonContent"]["embeddedJsonContent"]["message"]["inconnu"] = {"a": 1}
        return Case("message-clé-inconnue", _dump(env), 102, ref_id=ref)
    if kind == "émetteur":
        other = copy.deepcopy(envelope(Ids(ids.other, ids.recipient, ids.sender)))
        return Case("émetteur-incohérent", _dump(other), 200, ref_id=other["distributionID"])
    if kind == "préfixe-id":
        env["distributionID"] = f"{ids.other}_{uuid.uuid4()}"
        return Case("distributionID-préfixe", _dump(env), 300, ref_id=env["distributionID"])
    if kind == "expiré":
        env = envelope(ids, sent_at=past - timedelta(minutes=1), expires_at=past)
        return Case("expiré-avant-routage", _dump(env), 400, ref_id=env["distributionID"])
    if kind == "destinataire-inconnu":
        env = envelope(ids, recipient=f"{ids.nobody}{uuid.uuid4().hex[:6]}")
        return Case("destinataire-inconnu", _dump(env), ROUTE, ref_id=env["distributionID"],
                    expected_wire=501)
    if kind == "statut":
        env["distributionStatus"] = draw(st.sampled_from(["actual", "Fake", "", "Actual "]))
        return Case("statut-invalide", _dump(env), 300, ref_id=ref)
    env["distributionKind"] = draw(st.sampled_from(["report", "Message", "", "Acknowledge"]))
    return Case("nature-invalide", _dump(env), 300, ref_id=ref)


_CONTENT_TYPES = (JSON, XML, None, "text/plain", "application/json; charset=utf-8", "APPLICATION/JSON",
                  "application/octet-stream", "")
header_values = st.one_of(st.text(max_size=40), st.integers(-(2**31), 2**31 - 1), st.booleans())
headers = st.dictionaries(st.from_regex(r"\Ax-[a-z]{1,12}\Z"), header_values, max_size=4)


@st.composite
def properties(draw: st.DrawFn, ids: Ids) -> Case:
    """A valid envelope under every combination of content type, delivery mode, expiration, headers."""
    env = envelope(ids)
    ctype = draw(st.sampled_from(_CONTENT_TYPES))
    mode = draw(st.sampled_from([1, 2, None]))
    expiration = draw(st.sampled_from([None, "600000", "86400000"]))
    as_xml = ctype == XML and draw(st.booleans())
    body = encode(env, "xml")[0] if as_xml else _dump(env)
    if ctype not in (JSON, XML):
        expected: int | str = 101
    elif ctype == XML and not as_xml:
        expected = 300  # JSON body declared XML: "Something went wrong with the XSD Validator"
    elif mode != 2:
        expected = 100
    else:
        expected = ROUTE
    label = f"propriétés-{ctype or 'aucun'}-{mode}-{expiration}"
    ref = env["distributionID"] if expected != 300 else None
    return Case(label, body, expected, content_type=ctype, delivery_mode=mode, expiration=expiration,
                headers=draw(headers), ref_id=ref)


def big_cases(ids: Ids) -> list[Case]:
    """10 MB bodies (fixed, not drawn: one of each is enough and they are slow to shrink)."""
    junk = b"{" + b"x" * BIG
    string = json.dumps("y" * BIG).encode()
    env = envelope(ids, "z" * BIG)
    return [
        Case("10Mo-octets", junk, 301),
        Case("10Mo-chaîne-json", string, 300),
        Case("10Mo-attribut-xml", b'<edxlDistribution a="' + b"x" * BIG + b'"/>', 300, content_type=XML),
        Case("10Mo-valide", _dump(env), ROUTE, ref_id=env["distributionID"]),
    ]


MALFORMED = (random_bytes, truncated, nested, xml_bomb, wrong_encoding, mutated, properties)


def any_case(ids: Ids) -> st.SearchStrategy[Case]:
    """Valid traffic interleaved with every kind of malformed input (about one valid in three)."""
    return st.one_of(valid(ids), valid(ids), valid(ids), *(make(ids) for make in MALFORMED))

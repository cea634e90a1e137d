"""The hub's English error causes, word for word, and the schema-error text of its validator.

Vendors must read the same `errorCause` strings from the bench as from the real hub, so these are the
Java dispatcher's texts (`ansforge/SAMU-Hub-Sante` at commit `5e2bcb08`, under
`hub/dispatcher/src/main/java/com/hubsante/hub/`: `service/MessageHandler.java`, `utils/MessageUtils.java`,
`config/AmqpConfiguration.java`). The French explanations shown by the bench live in the trace
(`errors[].message`), never in the report.

Schema failures are rendered the way the hub's networknt-based `Validator` prints them (header line,
then sections "header" / "content" / "envelope", one ` - <path>: <text>` line per issue, see the
`*.errors` files of the official failing samples). The per-issue English text is rebuilt from the rule
of each `Issue`; it follows networknt's wording for the common rules (required, additionalProperties,
pattern, enum, type, format, min/max) and is a faithful paraphrase for the rare others.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from hubbench.protocol import Issue

INTERNAL_ERROR = "An internal server error has occurred, please contact the administration team"
CONTENT_TYPE = (
    "Unhandled Content-Type ! Message Content-Type should be set at 'application/json' or 'application/xml'"
)
CAUTION = ("CAUTION: distributionID has been extracted by regex because the envelope could not be "
           "deserialized.")
VALIDATION_HEADER = "Could not validate message against schema : errors occurred. "
XSD_FAILURE = "Something went wrong with the XSD Validator"
MESSAGE_BASE = "$.content[0].jsonContent.embeddedJsonContent.message"


def sender_inconsistency(distribution_id: str, sender_id: str, routing_key: str) -> str:
    return (f"Sender inconsistency for message {distribution_id} : message sender is {sender_id}"
            f" but received routing key is {routing_key}")


def no_health_actor(distribution_id: str) -> str:
    return f"Unable to route message with id {distribution_id}, no health actor involved."


def non_persistent(distribution_id: str) -> str:
    return f"Message {distribution_id} has been sent with non-persistent delivery mode"


def invalid_distribution_id(distribution_id: str, sender_id: str, prefix: str) -> str:
    return (f"Message {distribution_id} has been sent with an invalid distributionID format.\n"
            "The senderID in the distributionID should be the same as the senderID in the message.\n"
            f"SenderID in the message: {sender_id}, senderID in the distributionID: {prefix}\n")


def expired(distribution_id: str) -> str:
    return f"Message {distribution_id} has expired before reaching the recipient queue"


def dead_lettered(distribution_id: str, reason: str) -> str:
    return f"Message {distribution_id} has been read from dead-letter-queue; reason was {reason}"


def no_route(queue: str) -> str:
    return f"unable do deliver message to {queue}, cause was NO_ROUTE (312)"


def _number(text: str) -> str:
    match = re.search(r"\d+", text)
    return match.group(0) if match else text


def _issue_text(issue: Issue) -> str:
    rule, expected, found = issue.rule, issue.expected, issue.found
    texts = {
        "required": "is missing but it is required",
        "additionalProperties": "is not defined in the schema and the schema does not allow additional "
                                "properties",
        "pattern": f"does not match the regex pattern {expected}",
        "enum": f"does not have a value in the enumeration [{expected}]",
        "type": f"{found} found, {expected.replace(' ou ', ', ')} expected",
        "format": f"does not match the {expected} pattern",
        "minItems": f"expected at least {_number(expected)} items but found {found}",
        "maxItems": f"expected at most {_number(expected)} items but found {found}",
        "minLength": f"must be at least {_number(expected)} characters long",
        "maxLength": f"may only be {_number(expected)} characters long",
        "oneOf": "should be valid to one and only one schema",
    }
    return texts.get(rule, f"does not satisfy the {rule} rule (found {found})")


def _line(issue: Issue, relative: bool) -> str:
    path = issue.path
    if relative and path.startswith(MESSAGE_BASE + "."):
        path = path[len(MESSAGE_BASE) + 1:]
    return f" - {path}: {_issue_text(issue)}"


def _section(title: str, issues: list[Issue], relative: bool) -> list[str]:
    return [title, *(_line(i, relative) for i in issues)] if issues else []


def schema_failure(envelope: Iterable[Issue], content: Iterable[Issue]) -> str:
    """The text of the hub's `ValidationException` for a full-schema failure."""
    content = list(content)
    no_kind = [i for i in content if i.rule == "oneOf" and i.path == MESSAGE_BASE]
    lines = [VALIDATION_HEADER]
    for issue in no_kind:
        several = issue.expected == "un seul cas d'usage"
        lines.append(
            f"embeddedJsonContent: should be valid to one and only one schema, but "
            f"{len(issue.found.split(', '))} are valid" if several
            else "Could not detect any schemas in the message, at least one is required")
    rest = [i for i in content if i not in no_kind]
    lines += _section(f"Issues found on the {MESSAGE_BASE} header: ",
                      [i for i in rest if i.scope == "header"], True)
    lines += _section(f"Issues found on the {MESSAGE_BASE} content: ",
                      [i for i in rest if i.scope != "header"], True)
    lines += _section("Issues found on the envelope: ", list(envelope), False)
    return "\n".join(lines)


def envelope_failure(envelope: Iterable[Issue]) -> str:
    """Cause of a 300 whose envelope itself is invalid (distributionID salvaged by regex)."""
    return f"{CAUTION}\n{schema_failure(envelope, [])}"

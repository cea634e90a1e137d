"""Whether the hub's dispatcher converts a message between a health actor and a CISU actor, and which way.

Source: `ansforge/SAMU-Hub-Sante`, tag `dispatcher-1.4.0`, `hub/dispatcher/src/main/java/com/hubsante/hub/`
`utils/ConversionUtils.java` (`requiresCisuConversion`) and `service/Dispatcher.java`; test table
`hub/dispatcher/src/test/java/com/hubsante/hub/service/ConversionUtilsTest.java`. The same rule is
`ConverterUtils.isCisuModel` in `ansforge/SAMU-Hub-Modeles` (`src/main/java/com/hubsante/model/utils/`).

    convert = isCisuExchange AND isConvertedModel AND NOT directCISU(health actor)

* `isCisuExchange`: NOT (sender and recipient both start with `fr.health`, no trailing dot);
* `isConvertedModel`: the first content is `createCase` (RC-EDA) or `createCaseHealth` (RS-EDA) — acks
  (RC-REF), errors, EMSI, `createCaseHealthUpdate`, resource messages and everything else are forwarded
  unchanged by this dispatcher (the converter itself knows RC-REF and the resource kinds: a newer hub may
  send them, which no public dispatcher shows);
* health actor = the sender when it starts with `fr.health`, else the recipient; its `directCISU`
  preference (3rd column of `client.preferences.csv`) is true only when set to `true`; unknown → false.
Direction: towards CISU when the sender is the health actor, else towards health. A wrong-way kind (an
RC-EDA from a non-directCISU health actor, an RS-EDA towards one) is still sent to the converter, which
refuses it (error 300 to the sender).
The vhost does not enter the rule: the dispatcher converts on every vhost ("ToDo: check this only on
specific vhosts" in `ConversionHandler.java`); it is taken so that callers state it and traces show it.
A message between two non-health actors is refused earlier (501) and never reaches this rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from hubbench.conversion.edxl import HEALTH_PREFIX

CONVERTED_KINDS = frozenset({"createCase", "createCaseHealth"})


class Action(StrEnum):
    FORWARD = "forward"
    TO_CISU = "to_cisu"  # health sender: RS-EDA → RC-EDA
    FROM_CISU = "from_cisu"  # CISU sender: RC-EDA → RS-EDA


@dataclass(frozen=True)
class ConversionDecision:
    action: Action
    health_actor: str
    reason: str  # French, for the trace

    @property
    def converts(self) -> bool:
        return self.action is not Action.FORWARD


def health_actor(sender_id: str, recipient_id: str) -> str:
    return sender_id if sender_id.startswith(HEALTH_PREFIX) else recipient_id


def conversion_decision(sender_id: str, recipient_id: str, kind: str | None, vhost: str,
                        direct_cisu: bool | None) -> ConversionDecision:
    """The dispatcher's choice for one message. `kind`: use-case key of the first content;
    `direct_cisu`: the health actor's preference (None = client unknown = false)."""
    actor = health_actor(sender_id, recipient_id)
    if sender_id.startswith(HEALTH_PREFIX) and recipient_id.startswith(HEALTH_PREFIX):
        return ConversionDecision(Action.FORWARD, actor, "échange santé ↔ santé : pas de conversion CISU")
    if kind not in CONVERTED_KINDS:
        return ConversionDecision(Action.FORWARD, actor,
                                  f"« {kind} » n'est pas converti par le hub (seuls createCase et "
                                  "createCaseHealth le sont) : transmis tel quel")
    if direct_cisu is True:
        return ConversionDecision(Action.FORWARD, actor,
                                  f"{actor} est directCISU (il parle RC-EDA lui-même) : transmis tel quel "
                                  f"(vhost {vhost})")
    action = Action.TO_CISU if sender_id.startswith(HEALTH_PREFIX) else Action.FROM_CISU
    way = "RS-EDA → RC-EDA" if action is Action.TO_CISU else "RC-EDA → RS-EDA"
    return ConversionDecision(action, actor,
                              f"{actor} n'est pas directCISU : conversion {way} de « {kind} » "
                              f"(vhost {vhost})")

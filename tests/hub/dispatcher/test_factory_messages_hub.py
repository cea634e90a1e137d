"""The bench's own messages are valid on every line: one message of every kind the factory builds is
accepted and routed by the real dispatcher on every vhost of the hub (issue 12: the hub refused the
bench's RS-RPIS on 15-smur_v1.6). The sender is a SMUR tablet id (`….smur`, four labels), the case
that broke; each vhost validates with its own pack (hubbench.protocol.packs.VHOST_CHOICES)."""

from __future__ import annotations

import json
import uuid

import pytest
from support.hub import HubFixture

from hubbench.cases.factory import CaseContext, MessageFactory
from hubbench.protocol import build_message
from hubbench.protocol.packs import load_pack

pytestmark = pytest.mark.broker
WAIT_S = 20.0


def test_every_factory_kind_is_routed_on_every_vhost(live_hub: HubFixture) -> None:
    hub = live_hub
    code = uuid.uuid4().hex[:5]
    sender, recipient = f"fr.health.samu{code}.smur", f"fr.health.samu{code}"
    hub.add_client(sender)
    hub.add_client(recipient)
    refused: list[str] = []
    routed = 0
    for vhost in hub.settings.vhosts:
        factory = MessageFactory(load_pack(vhost=vhost, home=hub.home))
        source, target = hub.client(sender, vhost), hub.client(recipient, vhost)
        errors, inbox = source.inbox(), target.inbox()
        try:
            sent: dict[str, str] = {}
            for kind in factory.kinds():
                env = build_message(sender, recipient, factory.build(kind, CaseContext.open(sender)))
                assert source.publish(env)
                sent[env["distributionID"]] = kind
            for dist_id, kind in sent.items():
                got = inbox.wait_for(lambda d, i=dist_id: _distribution_id(d.body) == i, WAIT_S)
                if got is None:
                    info = errors.wait_for(lambda d: d.kind == "info", 0.1, take=False)
                    refused.append(f"{vhost} {kind}: {info.body[:300] if info else 'rien reçu'}")
                else:
                    routed += 1
        finally:
            errors.stop()
            inbox.stop()
    assert not refused, "\n".join(refused)
    assert routed >= 8 * 12  # every vhost, every kind (12 on 1.x, more from 2.x)


def _distribution_id(body: bytes) -> str | None:
    try:
        return json.loads(body).get("distributionID")
    except (ValueError, AttributeError):
        return None

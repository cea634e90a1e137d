"""The reference vendor's functional behaviour on the real TLS node, through the dispatcher.

A partner `HubClient` shares a case with the vendor (JSON on 15-15, XML from a fire-service partner on
15-NexSIS): the vendor acks it and returns its RC-REF; prompts stored in the results database make it
send a correction and an EMSI, which the partner receives valid for the vhost's pack.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from support.prompt_api import FakeRun
from support.runs import start_vendor

from hubbench.cases.factory import CaseContext, MessageFactory
from hubbench.protocol import codec
from hubbench.protocol.envelope import EnvelopeView, build_message
from hubbench.protocol.packs import SchemaPack, load_pack
from hubbench.protocol.validator import validator_for
from hubbench.sim.launch import VendorThread
from hubbench.transport.client import Delivery

pytestmark = pytest.mark.broker
REPLY_S = 60.0  # bound of each wait for a reply: generous, the machine is shared and loaded


@pytest.fixture
def vendor_on(live_hub: Any) -> Iterator[Callable[[str], tuple[str, VendorThread]]]:
    started: list[VendorThread] = []

    def start(vhost: str) -> tuple[str, VendorThread]:
        # samuXXX: 1–5 characters (DST 1.2 §3.4.2)
        client_id = f"fr.health.samu7{live_hub.unique_id()[-4:]}"
        thread = start_vendor(live_hub, client_id, "conforme", vhost)
        started.append(thread)
        return client_id, thread

    yield start
    for thread in started:
        thread.stop()


def _decoded(delivery: Delivery, pack: SchemaPack) -> dict[str, Any]:
    return codec.decode(delivery.body, delivery.content_type, pack)


def _from(vendor: str, suffix: str, pack: SchemaPack, kind: str | None = None
          ) -> Callable[[Delivery], bool]:
    def wanted(delivery: Delivery) -> bool:
        view = EnvelopeView(_decoded(delivery, pack))
        return delivery.kind == suffix and view.sender_id == vendor and (kind is None or view.kind == kind)

    return wanted


def test_case_shared_on_15_15_is_acknowledged_and_corrected_on_prompt(live_hub: Any, vendor_on) -> None:
    vhost = "15-15_v1.5"
    pack = load_pack(vhost=vhost, home=live_hub.home)
    vendor, thread = vendor_on(vhost)
    partner = f"fr.health.samu6{live_hub.unique_id()[-4:]}"
    client = live_hub.client(partner, vhost)
    ctx = CaseContext.open(partner)
    env = build_message(partner, vendor, MessageFactory(pack).create_case(ctx, link="15-15"))
    with client.inbox() as inbox:
        assert client.publish(env)
        ack = inbox.wait_for(_from(vendor, "ack", pack), REPLY_S)
        assert ack is not None, list(thread.vendor.log)[-10:]
        assert EnvelopeView(_decoded(ack, pack)).referenced_id == env["distributionID"]
        case = thread.vendor.desk.store.get(ctx.case_id)
        assert case is not None and case.owner == partner and not case.created_here
        prompts = FakeRun(live_hub.home.root, vendor, vhost, f"run-fn-{vendor}")
        prompts.show("send_case_update", recipient=partner, case_id=ctx.case_id)
        update = inbox.wait_for(_from(vendor, "message", pack, "createCaseHealthUpdate"), REPLY_S)
        assert update is not None, list(thread.vendor.log)[-10:]
        received = _decoded(update, pack)
        assert EnvelopeView(received).use_case["caseId"] == ctx.case_id
        assert validator_for(pack).validate_message(received).valid
        prompts.show("send_create_case", recipient=partner)
        created = inbox.wait_for(_from(vendor, "message", pack, "createCaseHealth"), REPLY_S)
        assert created is not None and validator_for(pack).validate_message(_decoded(created, pack)).valid
        assert EnvelopeView(_decoded(created, pack)).use_case["caseId"].startswith(vendor + ".")
    prompts.close()
    assert len(thread.vendor.desk.store) == 2


def test_xml_case_from_a_fire_service_partner_gets_an_rc_ref_then_an_emsi(live_hub: Any, vendor_on) -> None:
    vhost = "15-nexsis_v1.8"
    pack = load_pack(vhost=vhost, home=live_hub.home)
    vendor, thread = vendor_on(vhost)
    partner = f"fr.fire.nexsis.sdis{live_hub.unique_id()[-4:]}"
    client = live_hub.client(partner, vhost)
    ctx = CaseContext.open(partner)
    factory = MessageFactory(pack)
    env = build_message(partner, vendor, factory.create_case(ctx, link="15-NexSIS"))
    body, content_type = codec.encode(env, "xml", pack=pack)
    with client.inbox() as inbox:
        assert client.publish(body, content_type=content_type)
        ack = inbox.wait_for(_from(vendor, "ack", pack), REPLY_S)
        assert ack is not None, list(thread.vendor.log)[-10:]
        assert ack.content_type == "application/xml"  # the hub writes XML to a non-health partner
        assert EnvelopeView(_decoded(ack, pack)).referenced_id == env["distributionID"]
        dc = build_message(partner, vendor, factory.emsi(ctx, "DC", mission_id="SDIS-DC-1"))
        dc_body, dc_type = codec.encode(dc, "xml", pack=pack)
        assert client.publish(dc_body, content_type=dc_type)
        assert inbox.wait_for(lambda d: EnvelopeView(_decoded(d, pack)).referenced_id == dc["distributionID"],
                              REPLY_S) is not None
        assert inbox.wait_for(_from(vendor, "message", pack), 1.0) is None  # no answer before the prompt
        prompts = FakeRun(live_hub.home.root, vendor, vhost, f"run-fn-{vendor}")
        prompts.show("send_emsi", recipient=partner, variant="RDC", case_id=ctx.case_id, answer="ACCEPTE")
        answer = inbox.wait_for(_from(vendor, "message", pack, "emsi"), REPLY_S)
        assert answer is not None, list(thread.vendor.log)[-10:]
        received = _decoded(answer, pack)
        assert validator_for(pack).validate_message(received).valid
        emsi = EnvelopeView(received).use_case
        assert emsi["EVENT"]["MAIN_EVENT_ID"] == ctx.case_id and emsi["MISSION"][0]["ID"] == "SDIS-DC-1"
        assert emsi["CONTEXT"]["MSGTYPE"] == "UPDATE"
    prompts.close()


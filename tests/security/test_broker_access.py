"""Access cases not covered by tests/hub/test_hub_security.py: certificate validity dates, deleting
broker objects, listeners bound to loopback, the management API's accounts (DST 1.2 §2.2.1, §3.1)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from security_attacks import (
    channel_refused,
    connect_with,
    expired_certificate,
    future_certificate,
    issue_with_validity,
    listening_addresses,
    loopback_only,
    management_default_guest,
    management_wrong_password,
)
from support.hub import HubFixture

from hubbench.hub.topology import DISPATCH, DISTRIBUTION, HUBSANTE

pytestmark = pytest.mark.broker


def test_expired_certificate_signed_by_the_hub_ca_is_refused(hub_node: HubFixture, tmp_path: Path) -> None:
    client_id = hub_node.add_client().client_id
    outcome = expired_certificate(hub_node.settings, hub_node.pki, hub_node.vhost, client_id, tmp_path)
    assert outcome.refused, outcome.detail


def test_not_yet_valid_certificate_is_refused(hub_node: HubFixture, tmp_path: Path) -> None:
    client_id = hub_node.add_client().client_id
    outcome = future_certificate(hub_node.settings, hub_node.pki, hub_node.vhost, client_id, tmp_path)
    assert outcome.refused, outcome.detail


def test_same_certificate_kind_with_valid_dates_is_accepted(hub_node: HubFixture, tmp_path: Path) -> None:
    """Control for the two tests above: same issuing code, same CA and CN, only the dates differ."""
    client_id = hub_node.add_client().client_id
    now = dt.datetime.now(dt.UTC)
    cert, key = issue_with_validity(hub_node.pki, client_id, tmp_path, not_before=now - dt.timedelta(hours=1),
                                    not_after=now + dt.timedelta(days=1))
    outcome = connect_with(hub_node.settings, hub_node.vhost, hub_node.pki.ca_cert_path, cert, key)
    assert not outcome.refused, outcome.detail


@pytest.mark.parametrize(("action", "target"), [
    ("queue_delete", "own"),
    ("queue_delete", "other"),
    ("queue_delete", DISPATCH),
    ("queue_purge", "other"),
    ("exchange_delete", HUBSANTE),
    ("exchange_delete", DISTRIBUTION),
    ("exchange_declare", "nouvel-echange"),
    ("queue_bind", "own"),
])
def test_deleting_or_reshaping_broker_objects_is_refused(hub_node: HubFixture, action: str,
                                                         target: str) -> None:
    client_id, other = hub_node.unique_id(), hub_node.unique_id()
    hub_node.add_client(other)
    connection = hub_node.client(client_id).connect()._conn
    assert connection is not None
    name = {"own": f"{client_id}.message", "other": f"{other}.message"}.get(target, target)
    args: tuple[object, ...] = (name,)
    if action == "queue_bind":
        args = (name, HUBSANTE, "#")  # would copy every message of the vhost into its own queue
    outcome = channel_refused(f"{action} {name}", connection, action, *args)
    assert outcome.refused, outcome.detail
    assert hub_node.api.queue(hub_node.vhost, f"{other}.message") is not None  # still there


def test_management_api_listens_on_loopback_only(hub_node: HubFixture) -> None:
    outcome = loopback_only("API de gestion", hub_node.settings.management_port)
    assert outcome.refused, outcome.detail


def test_amqps_and_erlang_distribution_listen_on_loopback_only(hub_node: HubFixture) -> None:
    for port in (hub_node.settings.amqps_port, hub_node.settings.dist_port):
        assert listening_addresses(port), f"rien n'écoute sur {port}"
        outcome = loopback_only(f"port {port}", port)
        assert outcome.refused, outcome.detail


def test_management_api_refuses_a_wrong_password_and_the_guest_account(hub_node: HubFixture) -> None:
    settings = hub_node.settings
    for outcome in (management_wrong_password(settings), management_default_guest(settings)):
        assert outcome.refused, f"{outcome.name}: {outcome.detail}"
    assert hub_node.api.user("guest") is None

"""The cluster's settings and topology without a broker: member ports and names, quorum queues only on a
cluster (a single node keeps classic queues), and the rabbitmq.conf lines of each member."""

from __future__ import annotations

from pathlib import Path

import pytest

from hubbench.errors import UsageError
from hubbench.home import BenchHome
from hubbench.hub.cluster import ClusterMember, HubCluster, member_settings
from hubbench.hub.settings import HubSettings
from hubbench.hub.topology import ClientGrant, build_definitions

GRANT = ClientGrant("fr.health.samu440", ("15-15_v1.5",))


def test_members_shift_every_port_and_get_their_own_name_and_folder(tmp_path: Path) -> None:
    settings = HubSettings(amqps_port=17100, management_port=17200, dist_port=17300, node_port_step=10)
    home = BenchHome(tmp_path)
    cluster = HubCluster(home, settings, 3)
    assert [m.settings.ports for m in cluster.members] == [
        {"amqps": 17100 + s, "management": 17200 + s, "dist": 17300 + s} for s in (0, 10, 20)]
    assert [m.settings.node_name for m in cluster.members] == [
        "hubbench-17100@localhost", "hubbench-17110@localhost", "hubbench-17120@localhost"]
    assert cluster.members[0].dir == home.node_dir
    assert len({m.dir for m in cluster.members}) == 3
    assert (cluster.settings.nodes, cluster.settings.dispatcher_workers) == (3, 3)
    assert member_settings(settings, 0) == settings


def test_joining_members_discover_the_first_and_load_no_definitions(tmp_path: Path) -> None:
    settings = HubSettings(amqps_port=17100, management_port=17200, dist_port=17300)
    first, second = (ClusterMember(BenchHome(tmp_path), settings, i) for i in (0, 1))
    assert "cluster_formation.classic_config.nodes.1 = hubbench-17100@localhost" in second._extra_conf()
    assert not any(line.startswith("cluster_formation") for line in first._extra_conf())
    definitions = build_definitions(settings, "pw", [GRANT], quorum=True)
    assert second._shape_definitions(definitions) is None
    shaped = first._shape_definitions(definitions)
    assert shaped is not None and "queues" not in shaped and shaped["policies"] == definitions["policies"]


def test_quorum_queues_only_on_a_cluster() -> None:
    settings = HubSettings(vhosts=("15-15_v1.5",))
    single = build_definitions(settings, "pw", [GRANT])
    assert {q["name"]: q["arguments"] for q in single["queues"]} == {
        name: {} for name in ("dispatch", "dispatch.dlq", "fr.health.samu440.message",
                              "fr.health.samu440.ack", "fr.health.samu440.info")}
    assert all(set(p["definition"]) == {"message-ttl", "dead-letter-exchange"} for p in single["policies"])
    clustered = build_definitions(settings, "pw", [GRANT], quorum=True)
    assert {q["arguments"].get("x-queue-type") for q in clustered["queues"]} == {"quorum"}
    assert all(p["definition"]["dead-letter-strategy"] == "at-least-once"
               and p["definition"]["overflow"] == "reject-publish" for p in clustered["policies"])


@pytest.mark.parametrize("value", [0, 8, "3"])
def test_bad_node_counts_are_refused_in_french(value: object) -> None:
    with pytest.raises(UsageError, match="nodes : entier entre 1 et 7"):
        HubSettings(nodes=value)  # type: ignore[arg-type]


def test_a_cluster_needs_two_nodes_at_least(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="au moins 2 nœuds"):
        HubCluster(BenchHome(tmp_path), HubSettings(), 1)

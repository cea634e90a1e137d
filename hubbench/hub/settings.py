"""Hub settings (ports, message TTL, vhosts, network names): the `[hub]` table of `<home>/config.toml`.

On the network: `listen` adds AMQPS listen addresses (a LAN address, or `0.0.0.0` for all) to the
loopback one the bench's own processes use (`host`); `public_names` are the host names / IP addresses
vendors connect to: they go into the server certificate (subjectAltName) and the first one into the
client URLs. The management API and Erlang distribution always stay on loopback.

Defaults mimic the national hub (AMQPS 5671, 24 h client-queue TTL, the vhosts named by the ANS: Projectathon
6–9 decks, `ansforge/SAMU-Hub-Sante` `.github/workflows/cypress-tests.yml`), plus assumed 3.x-line names.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, fields, replace
from typing import Any

from hubbench.errors import UsageError
from hubbench.home import BenchConfig, BenchHome
from hubbench.protocol import ASSUMED_3X_VHOSTS
from hubbench.vhosts import LINK_VHOSTS

# The vhosts of the 1.0, 2.0 and 3.0 model lines (one dispatcher per vhost: `dispatcher.vhost`,
# `ansforge/SAMU-Hub-Sante` `hub/dispatcher/src/main/java/com/hubsante/hub/config/HubConfiguration.java`;
# lines ↔ DSF versions: `ansforge/SAMU-Hub-Modeles` README "Correspondance DSF - librairie").
# The 3.x names (15-15_v2.1, 15-smur_v1.7, 15-gps_v1.3) are ASSUMED from the naming pattern: unverified,
# no public source names them; `[assumed_vhosts]` of config.toml renames them
# (`protocol.packs.assumed_vhosts`).
# The official test cases are published for that line only. The 3.x NexSIS name is unknown.
DEFAULT_VHOSTS: tuple[str, ...] = (
    *LINK_VHOSTS.values(),  # the 1.0 line
    "15-15_v2.0",
    "15-smur_v1.6",
    "15-nexsis_v1.9",
    "15-15_v2.1",
    "15-smur_v1.7",
    "15-gps_v1.3",  # 15-GPS on the 3.x line (assumed name, like the other 3.x ones)
)
PRODUCTION_TTL_MS = 86_400_000  # DST 1.2 §2.2.4: 24 h
WILDCARDS = ("0.0.0.0", "::")
_DNS_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")
_LIST_KEYS = ("vhosts", "listen", "public_names")


def is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _valid_name(name: object) -> bool:
    if not isinstance(name, str) or not name:
        return False
    return is_ip(name) or (len(name) <= 253 and all(_DNS_LABEL.match(label) for label in name.split(".")))


@dataclass(frozen=True)
class HubSettings:
    host: str = "127.0.0.1"
    amqps_port: int = 5671
    management_port: int = 15671
    dist_port: int = 0  # 0 = amqps_port + 20000
    message_ttl_ms: int = PRODUCTION_TTL_MS
    dispatcher_workers: int = 1
    vhosts: tuple[str, ...] = DEFAULT_VHOSTS
    start_timeout_s: float = 120.0
    server_hostname: str = "localhost"  # name the bench's own clients check against the certificate (SAN)
    listen: tuple[str, ...] = ()  # AMQPS listen addresses besides `host` (e.g. a LAN IP, 0.0.0.0)
    public_names: tuple[str, ...] = ()  # names / IPs vendors use (certificate SAN, client URLs)
    cisu_conversion: bool = True  # the dispatcher converts health ⇄ CISU cases like the real hub (conversion)
    nodes: int = 1  # > 1: a RabbitMQ cluster on this machine (hub/cluster.py), one dispatcher worker per node
    node_port_step: int = 10  # member i (0-based) listens on each port + i × step

    def __post_init__(self) -> None:
        if not self.dist_port:
            object.__setattr__(self, "dist_port", self.amqps_port + 20000)
        for name in ("amqps_port", "management_port", "dist_port"):
            port = getattr(self, name)
            if not isinstance(port, int) or not 1 <= port <= 65535:
                raise UsageError(f"[hub] {name} : port attendu entre 1 et 65535, reçu {port!r}")
        if len({self.amqps_port, self.management_port, self.dist_port}) != 3:
            raise UsageError("[hub] amqps_port, management_port et dist_port doivent être distincts")
        if not isinstance(self.message_ttl_ms, int) or self.message_ttl_ms <= 0:
            raise UsageError(f"[hub] message_ttl_ms : entier positif attendu, reçu {self.message_ttl_ms!r}")
        if not isinstance(self.dispatcher_workers, int) or self.dispatcher_workers < 1:
            raise UsageError(
                f"[hub] dispatcher_workers : entier ≥ 1 attendu, reçu {self.dispatcher_workers!r}"
            )
        if not isinstance(self.nodes, int) or not 1 <= self.nodes <= 7:
            raise UsageError(f"[hub] nodes : entier entre 1 et 7 attendu, reçu {self.nodes!r}")
        if not isinstance(self.node_port_step, int) or self.node_port_step < 1:
            raise UsageError(f"[hub] node_port_step : entier ≥ 1 attendu, reçu {self.node_port_step!r}")
        if not isinstance(self.cisu_conversion, bool):
            raise UsageError(f"[hub] cisu_conversion : true ou false attendu, reçu {self.cisu_conversion!r}")
        if not self.vhosts or not all(isinstance(v, str) and v for v in self.vhosts):
            raise UsageError(f"[hub] vhosts : liste non vide de noms attendue, reçu {self.vhosts!r}")
        bad = [a for a in self.listen if not (isinstance(a, str) and is_ip(a))]
        if bad:
            raise UsageError(
                f"[hub] listen : adresses IP attendues (ex. 192.168.1.10, 0.0.0.0), reçu {bad!r}"
            )
        bad = [n for n in self.public_names if not _valid_name(n)]
        if bad:
            raise UsageError(
                f"[hub] public_names : noms d'hôte ou adresses IP attendus (ex. banc.ans.local), reçu {bad!r}"
            )

    @property
    def amqps_listeners(self) -> tuple[str, ...]:
        """Addresses AMQPS listens on: `host` (the bench's own processes) plus `listen`; a wildcard
        address covers the others."""
        wildcards = tuple(a for a in self.listen if a in WILDCARDS)
        return wildcards or tuple(dict.fromkeys((self.host, *self.listen)))

    @property
    def public_name(self) -> str:
        """The name client URLs carry (the first public name, else the loopback name)."""
        return self.public_names[0] if self.public_names else self.server_hostname

    @property
    def certificate_names(self) -> tuple[str, ...]:
        """Names and IPs of the server certificate's SAN: public names, the loopback name and address,
        and the listen addresses (wildcards excepted)."""
        named = (*self.public_names, self.server_hostname, self.host, *self.listen)
        return tuple(dict.fromkeys(n for n in named if n not in WILDCARDS))

    @property
    def node_name(self) -> str:
        return f"hubbench-{self.amqps_port}@localhost"

    @property
    def ports(self) -> dict[str, int]:
        return {"amqps": self.amqps_port, "management": self.management_port, "dist": self.dist_port}

    def member_ports(self, index: int) -> dict[str, int]:
        """The ports of cluster member `index` (0 = the main node, on the configured ports)."""
        shift = index * self.node_port_step
        return {name: port + shift for name, port in self.ports.items()}

    @classmethod
    def from_config(cls, config: BenchConfig) -> HubSettings:
        raw: dict[str, Any] = dict(config.hub)
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(raw) - known)
        if unknown:
            raise UsageError(
                f"[hub] clé(s) inconnue(s) dans config.toml : {', '.join(unknown)} "
                f"(attendu : {', '.join(sorted(known))})"
            )
        if "vhosts" not in raw and config.assumed_vhosts:
            renamed = {ASSUMED_3X_VHOSTS[link]: name for link, name in config.assumed_vhosts.items()
                       if link in ASSUMED_3X_VHOSTS}
            raw["vhosts"] = [renamed.get(vhost, vhost) for vhost in DEFAULT_VHOSTS]
        for key in _LIST_KEYS:
            if key in raw:
                if not isinstance(raw[key], list):
                    raise UsageError(f"[hub] {key} : liste attendue, reçu {raw[key]!r}")
                raw[key] = tuple(raw[key])
        return cls(**raw)

    @classmethod
    def load(cls, home: BenchHome) -> HubSettings:
        return cls.from_config(home.config())

    def with_overrides(self, **changes: Any) -> HubSettings:
        if "amqps_port" in changes and "dist_port" not in changes:
            changes["dist_port"] = 0
        return replace(self, **changes)

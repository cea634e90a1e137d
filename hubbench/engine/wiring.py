"""Connects a run to the bench's own hub: settings, pack, partner, injector, observers.

Everything here is set-up: a missing hub, an unknown vendor or vhost is a `SetupError`/`UsageError`
(exit 2) raised before the run is recorded.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hubbench.engine.context import RunContext
from hubbench.engine.injector import Injector
from hubbench.engine.lrm import declared_direct_cisu
from hubbench.engine.observers import BrokerLog, LiveQueues, ManagementObserver, TraceObserver
from hubbench.engine.partner import Partner
from hubbench.engine.scenario import Services
from hubbench.errors import SetupError, UsageError
from hubbench.events import Event

if TYPE_CHECKING:
    from hubbench.protocol import Provenance


def load_context_extras(ctx: RunContext) -> None:
    """Hub settings with the live ports of the running node, and the vhost's schema pack."""
    from hubbench.hub import HubNode, HubSettings
    from hubbench.protocol import load_pack

    settings = HubSettings.load(ctx.home)
    node = HubNode(ctx.home, settings)
    if not node.is_running():
        raise SetupError(
            f"Le hub du banc n'est pas démarré ({ctx.home.root})", hint="lancez `hubbench hub up`"
        )
    ports = node.status().get("ports") or {}
    if ports:
        settings = settings.with_overrides(
            amqps_port=ports["amqps"], management_port=ports["management"], dist_port=ports["dist"]
        )
    if ctx.vhost not in settings.vhosts:
        raise UsageError(f"Vhost inconnu du hub : {ctx.vhost!r} (vhosts : {', '.join(settings.vhosts)})")
    ctx.settings = settings
    ctx.cisu_conversion = settings.cisu_conversion
    ctx.direct_cisu = declared_direct_cisu(ctx.home, settings, ctx.client_id, ctx.declaration,
                                          ctx.link.name)
    ctx.pack = load_pack(vhost=ctx.vhost, home=ctx.home)
    ctx.provenance = run_provenance(ctx)


def run_provenance(ctx: RunContext) -> Provenance:
    """The pack the hub's dispatcher validates this vhost with (as its health reports it), provisional
    as well when the engine's own pack is; the engine's pack alone when the dispatcher has not reported."""
    from hubbench.hub import dispatcher_health, vhost_packs
    from hubbench.protocol import Provenance

    own = Provenance.of(ctx.require_pack(), ctx.vhost)
    hub_side = Provenance.from_json(vhost_packs(ctx.home, dispatcher_health(ctx.home)).get(ctx.vhost))
    return hub_side.with_engine(own) if hub_side is not None else own


@dataclass
class HubServices(Services):
    def close(self) -> None:
        for part in (self.partner, self.injector):
            if part is not None:
                with contextlib.suppress(Exception):  # closing must never hide the run's result
                    part.close()


def connect_partner(ctx: RunContext, emit: Callable[[Event], None], partner_id: str) -> Partner:
    """A bench partner `partner_id` on the run's vhost, registered on the hub when it is not yet (the
    run's partner; tier 6's second partner, `engine.resharing`)."""
    from hubbench.hub import ClientRegistry, registered_client

    settings = ctx.settings
    if settings is None:  # `load_context_extras` comes first
        raise SetupError("Réglages du hub non chargés avant la connexion du banc au hub")
    registry = ClientRegistry(ctx.home, settings)
    entry = registry.get(partner_id)
    if entry is None or entry.revoked or ctx.vhost not in entry.vhosts:
        vhosts = sorted({ctx.vhost, *(entry.vhosts if entry and not entry.revoked else ())})
        registry.add(partner_id, vhosts=vhosts, use_xml=not ctx.link.health_partner, editor="hubbench")
    client = registered_client(ctx.home, settings, partner_id, ctx.vhost,
                               connection_name=f"{partner_id}-banc-{ctx.run_id}")
    return Partner(partner_id, ctx.client_id, client, client.inbox(), emit, ctx.run_id, ctx.pack)


def connect_services(ctx: RunContext, emit: Callable[[Event], None]) -> HubServices:
    from hubbench.hub import DISPATCHER_CN, ClientRegistry, HubNode, ManagementClient, Pki
    from hubbench.results import open_database
    from hubbench.transport import HubClient

    settings = ctx.settings
    if settings is None:  # `load_context_extras` comes first
        raise SetupError("Réglages du hub non chargés avant la connexion du banc au hub")
    registry = ClientRegistry(ctx.home, settings)
    vendor = registry.get(ctx.client_id)
    if vendor is None or vendor.revoked:
        raise UsageError(
            f"Client inconnu du hub : {ctx.client_id}",
            hint=f"hubbench clients add {ctx.client_id} --vhost {ctx.vhost}",
        )
    if ctx.vhost not in vendor.vhosts:
        raise UsageError(
            f"Le client {ctx.client_id} n'a pas accès au vhost {ctx.vhost} ({', '.join(vendor.vhosts)})"
        )
    services = HubServices()
    try:
        services.partner = connect_partner(ctx, emit, ctx.partner_id)
        dispatcher = Pki(ctx.home.pki_dir).ensure_identity(DISPATCHER_CN)
        injector_client = HubClient(
            DISPATCHER_CN,
            dispatcher,
            settings.host,
            settings.amqps_port,
            ctx.vhost,
            f"hubbench-injecteur-{ctx.run_id}",
            server_hostname=settings.server_hostname,
        )
        services.injector = Injector(injector_client, ctx.client_id, ctx.partner_id, ctx.pack)
        services.live = LiveQueues(injector_client, ctx.client_id)
        services.management = ManagementObserver(
            ManagementClient.for_home(ctx.home, settings), ctx.vhost, ctx.client_id
        )
        services.trace = TraceObserver(open_database(ctx.home.db_url), ctx.vhost, ctx.client_id)
        services.broker_log = BrokerLog(HubNode(ctx.home, settings).log_dir, ctx.client_id)
    except Exception:
        services.close()
        raise
    return services

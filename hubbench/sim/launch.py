"""Assemble a reference vendor for a bench home: its certificate, the hub's address, its prompts.

Shared by `hubbench sim`, `hubbench demo`, the scenario tests and the benchmarks. A vendor can also
run in a thread of the caller (`VendorThread`), stopped cleanly with `stop()`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from pika.adapters.blocking_connection import BlockingConnection

from hubbench.errors import SetupError, UsageError
from hubbench.home import BenchHome
from hubbench.hub import ClientCredentials, HubSettings, Pki
from hubbench.protocol import SchemaPack, line_of, load_pack, vhost_map
from hubbench.sim.functional import CaseDesk, link_of_vhost
from hubbench.sim.profiles import Profile
from hubbench.sim.prompts import PromptListener
from hubbench.sim.vendor import Address, Connector, LogEntry, ReferenceVendor
from hubbench.transport import connection_parameters
from hubbench.vhosts import DEFAULT_VHOST


def credentials_of(home: BenchHome, client_id: str) -> ClientCredentials:
    """The vendor's certificate in the home; unknown or revoked ids are a usage error."""
    pki = Pki(home.pki_dir)
    if not pki.has(client_id):
        raise UsageError(
            f"Aucun certificat pour le client « {client_id} » dans {home.pki_dir} "
            "(client inconnu ou révoqué)",
            hint=f"enregistrez-le d'abord : hubbench clients add {client_id}",
        )
    return pki.credentials(client_id)


def connector(creds: ClientCredentials, settings: HubSettings, vhost: str, profile: Profile | None = None
              ) -> Connector:
    """Connections to the hub, or through another address (the bench's proxy: TLS still names the hub;
    an impostor hub: the profile's checks of the server's certificate decide)."""

    def connect(connection_name: str, via: Address | None) -> BlockingConnection:
        host, port = via or (settings.host, settings.amqps_port)
        return BlockingConnection(
            connection_parameters(
                creds,
                host=host,
                port=port,
                vhost=vhost,
                server_hostname=settings.server_hostname,
                connection_name=connection_name,
                verify_ca=profile.verify_server_ca if profile else True,
                verify_name=profile.verify_server_name if profile else True,
            )
        )

    return connect


def build_vendor(
    home: BenchHome,
    client_id: str,
    profile: Profile,
    *,
    vhost: str = DEFAULT_VHOST,
    settings: HubSettings | None = None,
    on_log: Callable[[LogEntry], None] | None = None,
    prompts_home: BenchHome | None = None,
) -> ReferenceVendor:
    """The vendor of `home`'s hub; it follows the runs of the bench home `prompts_home` (default: the
    same home; another one when the bench runs against this hub as an external hub, `run --hub`)."""
    creds = credentials_of(home, client_id)
    settings = settings or HubSettings.load(home)
    return ReferenceVendor(
        client_id,
        profile,
        connector(creds, settings, vhost, profile),
        prompts=PromptListener((prompts_home or home).root, client_id, vhost),
        xml_line=line_of(vhost_map(home).get(vhost, "3")),
        on_log=on_log,
        desk=case_desk(home, client_id, profile, vhost),
    )


def case_desk(home: BenchHome, client_id: str, profile: Profile, vhost: str) -> CaseDesk:
    """The vendor's functional desk on `vhost`; packs are loaded when first needed."""

    def pack() -> SchemaPack:
        return load_pack(vhost=vhost, home=home)

    return CaseDesk(client_id, profile, link_of_vhost(vhost), pack)


class VendorThread:
    """A reference vendor running in a daemon thread until `stop()`."""

    def __init__(self, vendor: ReferenceVendor) -> None:
        self.vendor = vendor
        self.error: BaseException | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._main, name=f"sim-{vendor.client_id}", daemon=True)

    def _main(self) -> None:
        try:
            self.vendor.run(self._stop)
        except BaseException as exc:  # reported to the owner through `error`
            self.error = exc

    def start(self, *, connected_within_s: float = 20.0) -> VendorThread:
        self._thread.start()
        if not self.vendor.connected.wait(connected_within_s):
            self.stop()
            raise SetupError(
                f"Le vendeur de référence {self.vendor.client_id} ne s'est pas connecté en "
                f"{connected_within_s:g} s" + (f" ({self.error})" if self.error else ""),
            )
        return self

    def signal_stop(self) -> None:
        """Ask the vendor to stop, without waiting (stop many at once, then `stop()` each)."""
        self._stop.set()
        self.vendor.wake()

    def stop(self, timeout_s: float = 10.0) -> None:
        self.signal_stop()
        self._thread.join(timeout_s)

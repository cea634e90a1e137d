"""Palier 1 — the vendor refuses a hub whose certificate it should not trust (DST 1.2 §2.2.1, §2.2.2).

The bench starts an impostor hub (`hub.ImpostorHub`, loopback, its own port) presenting a certificate of
another CA or one of the hub's CA with a wrong name, and asks the vendor to connect to it (prompt
`connect_to_untrusted_hub`, `expected.url`). Passed when the impostor saw the vendor's TLS handshake fail:
no connection completed, no AMQP byte after TLS. No connection at all is « délai dépassé » (the vendor
was not seen trying). The impostor is closed when the step ends. Through an external hub the wrong-name
certificate cannot be forged (the hub's CA key is its operator's): « non vérifiable à distance ».
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hubbench.engine.clock import poll_until
from hubbench.engine.errors import RemoteUnverifiable, TimedOut
from hubbench.engine.scenario import ScenarioEngine
from hubbench.hub import Attempt, Forgery, HubSettings, ImpostorHub, forged_files

PROBE_S = 0.1
WHAT: dict[Forgery, str] = {
    Forgery.OTHER_CA: "un certificat émis par une autre autorité que celle du hub (noms du hub)",
    Forgery.WRONG_NAME: "un certificat de l'autorité du hub pour un autre nom que celui du hub",
}


def meet_impostor(bench: ScenarioEngine, forgery: str) -> None:
    """Start the impostor, prompt the vendor to connect, keep what the impostor saw (`check_refused`)."""
    kind = Forgery(forgery)
    if kind is Forgery.WRONG_NAME and bench.services.remote_hub is not None:  # its CA is not the bench's
        raise RemoteUnverifiable(
            "DST 1.2 §2.2.2", "la clé de l'autorité du hub externe (qui signerait le certificat au faux nom)")
    settings = bench.ctx.settings or HubSettings()
    with tempfile.TemporaryDirectory(prefix="hubbench-imposteur-") as folder:
        files = forged_files(bench.ctx.home.pki_dir, kind, settings.certificate_names, Path(folder))
        with ImpostorHub(*files) as impostor:
            host, port = impostor.address
            url = f"amqps://{host}:{port}/{bench.ctx.vhost}"
            instruction = (f"Connectez le système (même certificat client, nom de serveur TLS attendu "
                           f"{settings.server_hostname}) au hub {url} : il présente {WHAT[kind]}. Le "
                           "système doit refuser ce serveur.")
            params = {"host": host, "port": port, "url": url, "forgery": kind.value,
                      "server_name": settings.server_hostname}
            with bench.prompt("connect_to_untrusted_hub", instruction, params) as prompt:
                poll_until(lambda: impostor.attempts() or None, clock=bench.ctx.clock,
                           timeout=prompt.remaining(), interval=PROBE_S)
            bench.memo["impostor"] = (url, impostor.attempts())


def check_refused(bench: ScenarioEngine, rule: str) -> None:
    url, attempts = bench.memo["impostor"]
    judge(bench, attempts, url, rule)


def judge(bench: ScenarioEngine, attempts: list[Attempt], url: str, rule: str) -> None:
    expected = f"le système refuse le serveur {url} (poignée de main TLS interrompue, aucun octet AMQP)"
    if not attempts:
        raise TimedOut(rule, expected, f"aucune connexion du système reçue par le faux hub {url}")
    accepted = [a for a in attempts if a.handshake]
    shown = accepted or attempts
    bench.check.that(not accepted, rule, expected,
                     "; ".join(a.describe() for a in shown[:3]) + f" ({len(attempts)} connexion(s))")

"""Client identifier rules of the hub (DST 1.2 §3.4.2).

General form `{pays}.{domaine}.{organisation}[.…]`; country and domain are lower-case; organisation
labels keep the case of the official codes (`fr.health.samuA`, `fr.fire.nexsis.sdisZ`, CRRA `2A0`).
"""

from __future__ import annotations

import re

from hubbench.errors import UsageError

HUB_ID = "fr.health.hub"
MAX_LENGTH = 200  # queue names `{id}.message` must stay under RabbitMQ's 255-byte limit
_ALLOWED = re.compile(r"[A-Za-z0-9.-]+")
_LABEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*")
_COUNTRY = re.compile(r"[a-z]{2}")
_DOMAIN = re.compile(r"[a-z][a-z0-9-]*")
_SAMU = re.compile(r"samu[0-9A-Za-z]{1,5}")
_RULE = "DST 1.2 §3.4.2"


def _refuse(client_id: str, why: str) -> UsageError:
    return UsageError(
        f"Identifiant client refusé « {client_id} » : {why} ({_RULE}, "
        "forme attendue {pays}.{domaine}.{organisation}[.…], ex. fr.health.samu440)"
    )


def validate_client_id(client_id: str) -> str:
    """Return the id unchanged, or raise `UsageError` naming the broken rule (in French)."""
    if not client_id:
        raise _refuse(client_id, "identifiant vide")
    if len(client_id) > MAX_LENGTH:
        raise _refuse(client_id, f"plus de {MAX_LENGTH} caractères")
    if "_" in client_id:
        raise _refuse(
            client_id, "« _ » interdit (il sépare l'émetteur du numéro dans le distributionID)"
        )
    if not _ALLOWED.fullmatch(client_id):
        raise _refuse(client_id, "seuls lettres ASCII, chiffres, « . » et « - » sont permis")
    labels = client_id.split(".")
    if any(not label for label in labels):
        raise _refuse(client_id, "segment vide (deux points consécutifs ou point en bord)")
    if len(labels) < 3:
        raise _refuse(client_id, "au moins trois segments : pays, domaine, organisation")
    country, domain, organisation = labels[0], labels[1], labels[2]
    if not _COUNTRY.fullmatch(country):
        raise _refuse(client_id, f"le pays « {country} » doit être un code de deux lettres minuscules")
    if not _DOMAIN.fullmatch(domain):
        raise _refuse(client_id, f"le domaine « {domain} » doit être en minuscules (ex. health, fire)")
    bad = [label for label in labels[2:] if not _LABEL.fullmatch(label)]
    if bad:
        raise _refuse(
            client_id, f"segment invalide « {bad[0]} » (doit commencer par une lettre ou un chiffre)"
        )
    if client_id == HUB_ID:
        raise _refuse(client_id, "identifiant réservé au hub lui-même")
    is_samu = domain == "health" and organisation.lower().startswith("samu")
    if is_samu and not _SAMU.fullmatch(organisation):
        raise _refuse(client_id, "un SAMU s'écrit fr.health.samuXXX (XXX = code CRRA, 1 à 5 caractères)")
    if domain == "health" and organisation == "test" and len(labels) < 4:
        raise _refuse(client_id, "un identifiant de test s'écrit fr.health.test.<dénomination>")
    if domain == "fire" and organisation == "nexsis" and len(labels) < 4:
        raise _refuse(client_id, "un SDIS via NexSIS s'écrit fr.fire.nexsis.sdisXX")
    return client_id

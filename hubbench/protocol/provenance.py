"""Where a vhost's schemas come from: pack tag, source, checksum, and whether validation is provisional.

A `Provenance` is computed where a pack is loaded (the dispatcher for each vhost, the engine for a run)
and travels as a plain JSON dict: the dispatcher's health file (`hub status`), the run record in the
results database (`runs.pack`), the reports, the console and the certificate. A verdict is never better
than its evidence: every reader shows `provisional` as « provisoire » and refuses a certificate on it.

Checksum: SHA-256 over the pack's schema files, sorted by name, each as `name NUL sha256(bytes) LF`
(the same per-file digests as the cache manifest). The provisional fallback has no official files:
no checksum.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from importlib import metadata
from typing import Any

from hubbench.protocol.packs import SchemaPack

PROVISIONAL_FR = "provisoire"
NO_PACK_REASON = "aucun pack de schémas : le hub répond 301 à chaque message de ce vhost"


def pack_checksum(pack: SchemaPack) -> str | None:
    """SHA-256 of the pack's schema files as read from disk (None: provisional or in-memory pack)."""
    if pack.provisional or pack.directory is None:
        return None
    outer = hashlib.sha256()
    for name in sorted(pack.schemas):
        try:
            data = (pack.directory / name).read_bytes()
        except OSError:
            return None
        outer.update(f"{name}\0{hashlib.sha256(data).hexdigest()}\n".encode())
    return outer.hexdigest()


def _fallback_version() -> str:
    try:
        return metadata.version("hubsante-model")
    except metadata.PackageNotFoundError:
        return "?"


@dataclass(frozen=True)
class Provenance:
    """The evidence behind every verdict on one vhost."""

    tag: str
    source: str
    checksum: str | None
    provisional: bool = False
    reason: str | None = None  # why validation is provisional or impossible (French)
    vhost: str | None = None
    available: bool = True  # False: no pack at all (every message answered 301)

    @classmethod
    def of(cls, pack: SchemaPack, vhost: str | None = None) -> Provenance:
        source = pack.source
        if pack.directory is not None and "://" not in source:  # a local source: the folder actually read
            source = str(pack.directory)
        if pack.provisional:
            source = f"{source}=={_fallback_version()}" if "==" not in source else source
        return cls(tag=pack.tag, source=source, checksum=pack_checksum(pack), provisional=pack.provisional,
                   reason=pack.reason or pack.note if pack.provisional else None, vhost=vhost)

    @classmethod
    def missing(cls, vhost: str, tag: str, why: str) -> Provenance:
        return cls(tag=tag, source="—", checksum=None, provisional=True, reason=f"{NO_PACK_REASON} ({why})",
                   vhost=vhost, available=False)

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> Provenance | None:
        if not isinstance(data, Mapping) or "tag" not in data:
            return None
        return cls(tag=str(data["tag"]), source=str(data.get("source") or "—"),
                   checksum=data.get("checksum") or None, provisional=bool(data.get("provisional")),
                   reason=data.get("reason") or None, vhost=data.get("vhost") or None,
                   available=bool(data.get("available", True)))

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    def with_engine(self, own: Provenance) -> Provenance:
        """The hub's provenance, provisional as well when the engine's own pack is (its checks use it)."""
        if self.provisional or not own.provisional:
            return self
        why = f"pack du moteur de scénarios provisoire : {own.reason}"
        return Provenance(self.tag, self.source, self.checksum, True, why, self.vhost, self.available)

    @property
    def short_checksum(self) -> str:
        return f"sha256 {self.checksum[:16]}…" if self.checksum else "sans somme de contrôle"

    @property
    def summary_fr(self) -> str:
        """One line: « pack 1.0 · source … · sha256 0123…  (provisoire) »."""
        mark = f" ({PROVISIONAL_FR.upper()})" if self.provisional else ""
        return f"pack {self.tag}{mark} · source {self.source} · {self.short_checksum}"

    @property
    def warning_fr(self) -> str | None:
        """The loud line for a provisional or pack-less vhost (None when the evidence is official)."""
        if not self.provisional:
            return None
        where = f"vhost {self.vhost}" if self.vhost else f"pack {self.tag}"
        if not self.available:
            return f"ATTENTION {where} : {self.reason}."
        return (f"ATTENTION {where} : validation PROVISOIRE (repli hubsante-model, pack officiel {self.tag} "
                f"indisponible) — verdicts provisoires, aucun certificat. Cause : {self.reason}")


def provisional_label(label: str, provisional: bool) -> str:
    """« réussi » → « réussi (provisoire) » when the evidence is provisional."""
    return f"{label} ({PROVISIONAL_FR})" if provisional else label


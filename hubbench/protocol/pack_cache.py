"""What `hubbench packs` shows and does over `packs`: the state of each pack the vhosts use, fetching
packs into the cache ahead of time (a machine offline at the Projectathon), and re-checking the cache
against its checksum manifests.

A pack is "ready offline" when an intact cached copy exists (URL sources) or when the directory source
holds it complete. Otherwise the first use downloads it; offline, a source the user named is an error,
and the default source (GitHub) falls back to the provisional `hubsante-model` pack.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from hubbench.errors import BenchError, SetupError, UsageError
from hubbench.home import BenchHome
from hubbench.protocol.packs import (
    ABSENT,
    CacheCheck,
    PackSource,
    _find_in_directory,
    check_cache,
    download_pack,
    is_assumed,
    line_of,
    pack_from_directory,
    pack_source,
    resolve_tag,
    vhost_choice,
    vhost_map,
)

Progress = Callable[[str, str, int], None]  # (tag, file name, size in bytes)
# How a vhost whose name no public source gives (3.x line) is shown.
ASSUMED_MAPPING = "supposée (source publique non identifiée)"


@dataclass(frozen=True)
class PackState:
    """One tag as the bench would get it now, without any network access."""

    tag: str
    line: str
    where: str  # "cache" | "dossier" | "absent" | "erreur"
    ready_offline: bool
    provisional_if_offline: bool
    source: str
    files: int = 0
    size: int = 0
    checksum: str = "—"  # "intact" | "MODIFIÉ" | "—" (no manifest: directory source or not cached)
    detail: str = ""

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def _directory_state(tag: str, line: str, source: PackSource) -> PackState:
    root = Path(source.value).expanduser()
    if not root.is_dir():
        return PackState(tag, line, "erreur", False, False, str(root), detail="dossier source introuvable")
    found = _find_in_directory(root, tag)
    if found is None:
        return PackState(tag, line, "erreur", False, False, str(root), detail="introuvable dans la source")
    folder, note = found
    try:
        pack = pack_from_directory(folder, tag=tag)
    except BenchError as exc:
        return PackState(tag, line, "erreur", False, False, str(folder), detail=str(exc))
    size = sum((folder / name).stat().st_size for name in pack.schemas)
    return PackState(tag, line, "dossier", True, False, str(folder), len(pack.schemas), size,
                     detail="lu sur place (source locale)" + (f" ; {note}" if note else ""))


def pack_state(tag: str, home: BenchHome, source: PackSource | None = None) -> PackState:
    source = source or pack_source(home)
    line = line_of(tag)
    if source.is_directory:
        return _directory_state(tag, line, source)
    check = check_cache(home.packs_dir / tag)
    if check.intact:
        checksum = "intact" if check.unchanged else f"intact (+{len(check.added)} ajouté(s))"
        return PackState(tag, line, "cache", True, False, check.source or "", check.files, check.size,
                         checksum, f"en cache : {check.folder}")
    fallback = not source.named and importlib.util.find_spec("hubsante_model") is not None
    offline = "repli PROVISOIRE (hubsante-model)" if fallback else "erreur (source injoignable)"
    present = check.problem != ABSENT
    detail = (f"cache altéré ({_changes(check)}) : retéléchargé au prochain usage" if present
              else "absent du cache : téléchargé au premier usage") + f" ; hors ligne → {offline}"
    return PackState(tag, line, "absent", False, fallback, source.value.format(tag=tag),
                     checksum="MODIFIÉ" if present else "—", detail=detail)


def _changes(check: CacheCheck) -> str:
    if check.problem:
        return check.problem
    parts = [f"{len(names)} {label}" for names, label in ((check.changed, "modifié(s)"),
                                                           (check.missing, "manquant(s)"),
                                                           (check.added, "ajouté(s)")) if names]
    return ", ".join(parts) or "intact"


@dataclass(frozen=True)
class VhostPack:
    vhost: str
    tag: str
    mapping: str  # "intégrée" | ASSUMED_MAPPING | "config [vhosts]"
    state: PackState | None
    error: str = ""
    assumed: bool = False  # the vhost name itself is an assumption (3.x line, `[assumed_vhosts]`)
    reason: str = ""  # why this tag (packs.VHOST_CHOICES, or the config entry)

    def as_json(self) -> dict[str, Any]:
        return {"vhost": self.vhost, "tag": self.tag, "mapping": self.mapping, "assumed": self.assumed,
                "reason": self.reason, "error": self.error or None,
                **(self.state.as_json() if self.state else {})}


def vhost_packs(home: BenchHome) -> list[VhostPack]:
    """The vhost → pack map (built-in + `[vhosts]`), each with its pack's state; never downloads."""
    source, configured = pack_source(home), home.config().vhosts
    states: dict[str, PackState] = {}
    rows = []
    for vhost, raw in sorted(vhost_map(home).items()):
        mapping = ("config [vhosts]" if vhost in configured
                   else ASSUMED_MAPPING if is_assumed(vhost, home) else "intégrée")
        assumed = is_assumed(vhost, home)
        choice = vhost_choice(vhost, home)
        reason = choice.reason if choice else ""
        try:
            tag = resolve_tag(raw)
        except UsageError as exc:
            rows.append(VhostPack(vhost, raw, mapping, None, str(exc), assumed, reason))
            continue
        if tag not in states:
            states[tag] = pack_state(tag, home, source)
        rows.append(VhostPack(vhost, tag, mapping, states[tag], assumed=assumed, reason=reason))
    return rows


def cached_tags(home: BenchHome) -> list[str]:
    root = home.packs_dir
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))


def mapped_tags(home: BenchHome) -> list[str]:
    """Distinct tags of the vhost map (a bad tag in `[vhosts]` is a usage error naming the vhost)."""
    tags = set()
    for vhost, tag in vhost_map(home).items():
        try:
            tags.add(resolve_tag(tag))
        except UsageError as exc:
            where = f"[vhosts] de {home.config_file}"
            raise UsageError(f"Vhost {vhost} → pack {tag!r} ({where}) : {exc}") from exc
    return sorted(tags)


def tags_for(tag: str | None, vhost: str | None, every: bool, home: BenchHome) -> list[str]:
    """The tags named by exactly one of TAG, --vhost, --all."""
    if sum(1 for x in (tag, vhost, every) if x) != 1:
        raise UsageError("Indiquez exactement un de : TAG (ex. 3.4.1), --vhost VHOST, --all.")
    if tag:
        return [resolve_tag(tag)]
    if vhost:
        mapping, name = vhost_map(home), vhost.strip("/")
        if name not in mapping:
            raise UsageError(f"Vhost inconnu : {vhost!r} (connus : {', '.join(sorted(mapping))} ; "
                             f"ajoutez-le dans [vhosts] de config.toml).")
        return [resolve_tag(mapping[name])]
    return mapped_tags(home)


@dataclass(frozen=True)
class Fetched:
    tag: str
    action: str  # "téléchargé" | "retéléchargé" | "déjà en cache" | "lu sur place"
    files: int
    size: int
    folder: Path
    source: str


def fetch(tag: str, home: BenchHome, *, force: bool = False, progress: Progress | None = None) -> Fetched:
    """Make `tag` available offline: download it into the cache (URL source), or check that the
    directory source holds it complete. Raises `BenchError` (French) when it cannot."""
    source = pack_source(home)
    line_of(tag)
    if source.is_directory:
        state = _directory_state(tag, line_of(tag), source)
        if state.where == "erreur":
            error = UsageError if state.detail == "introuvable dans la source" else SetupError
            raise error(f"Pack {tag} : {state.detail} ({state.source}, {source.origin}).")
        return Fetched(tag, "lu sur place", state.files, state.size, Path(state.source), state.source)
    if "{tag}" not in source.value:
        raise UsageError(f"Modèle d'URL de pack sans {{tag}} : {source.value!r} ({source.origin}).")
    before = check_cache(home.packs_dir / tag)
    if before.intact and not force:
        return Fetched(tag, "déjà en cache", before.files, before.size, before.folder, before.source or "")
    try:
        folder = download_pack(source.value, tag, home.packs_dir,
                               (lambda name, size: progress(tag, name, size)) if progress else None)
    except SetupError as exc:
        kept = "la copie intacte en cache est conservée" if before.intact else "rien d'utilisable en cache"
        raise SetupError(f"Pack {tag} non téléchargé : {exc}",
                         hint=f"vérifiez l'étiquette et la source ({source.origin}) ; {kept}") from exc
    after = check_cache(folder)
    action = "retéléchargé" if before.problem != ABSENT else "téléchargé"
    return Fetched(tag, action, after.files, after.size, folder, after.source or "")


@dataclass(frozen=True)
class Verification:
    checks: list[CacheCheck]  # cached packs against their manifests
    local: list[Fetched]  # directory source: the packs it holds, found complete

    @property
    def ok(self) -> bool:
        return all(c.unchanged for c in self.checks)


def verify(tag: str | None, home: BenchHome) -> Verification:
    """Cached packs (one, or all) against their manifests; with a directory source, also that the
    source holds the tag(s) complete. Usage/set-up problems raise `BenchError`; changes do not."""
    source = pack_source(home)
    tags = [resolve_tag(tag)] if tag else cached_tags(home)
    local = [fetch(name, home) for name in ([resolve_tag(tag)] if tag else mapped_tags(home))] \
        if source.is_directory else []
    checks = [c for c in (check_cache(home.packs_dir / name) for name in tags) if c.problem != ABSENT]
    if not checks and not local:
        if tag:
            raise UsageError(f"Pack {tags[0]} absent du cache ({home.packs_dir}) : rien à vérifier.",
                             hint=f"hubbench packs fetch {tags[0]}")
        raise UsageError(f"Aucun pack en cache sous {home.packs_dir} : rien à vérifier.",
                         hint="hubbench packs fetch --all")
    return Verification(checks, local)

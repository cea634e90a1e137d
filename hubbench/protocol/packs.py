"""Schema packs: the official JSON Schemas of one model-library version
(`ansforge/SAMU-Hub-Modeles`, README "Correspondance DSF - librairie").

A pack is the folder `src/main/resources/json-schema` of `ansforge/SAMU-Hub-Modeles` at a tag. Sources,
in order: `--pack DIR` (a `json-schema` folder or its parent); the source named by `HUBBENCH_PACK_SOURCE`
or `[packs] source` in `config.toml` (a URL template containing `{tag}`, or a local directory laid out as
`<dir>/<tag>/json-schema`, `<dir>/<tag>` or like `../shared/hubsante-models`: `official-<tag>/` and
`official/` whose `VERSION.txt` names the tag); else the official GitHub repository. Downloads are cached
under `<home>/packs/<tag>/` with a checksum manifest (atomic rename).

Schemas are loaded as the Java library does from its classpath: the root `$id` values
(`classpath:/json-schema/schema#`, or even the draft-07 meta-schema URL) are dropped and sibling
`"$ref": "X.schema.json"` are resolved by file name inside the pack.

When no pack can be had at all (default source unreachable, nothing cached), the pack falls back to the
PyPI package `hubsante-model` and is marked `provisional`: its pydantic models lose patterns and
accept unknown fields (seen in hubsante-model 0.1.1), so verdicts made with it are provisional.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from hubbench.errors import SetupError, UsageError
from hubbench.home import PACK_SOURCE_ENV, BenchHome

log = logging.getLogger(__name__)

DEFAULT_SOURCE = "https://raw.githubusercontent.com/ansforge/SAMU-Hub-Modeles/{tag}/src/main/resources/json-schema/"
# A mirror of the official repository standing in for the default source: unlike HUBBENCH_PACK_SOURCE,
# when it cannot be reached the bench still falls back (provisionally, and says so) as it would offline.
OFFICIAL_MIRROR_ENV = "HUBBENCH_PACK_MIRROR"
FULL_SCHEMA = "EDXL-DE-full.schema.json"
ENVELOPE_SCHEMA = "EDXL-DE-envelope-only.schema.json"
HEADER_SCHEMA = "RC-DE.schema.json"
MANIFEST = "manifest.json"
ABSENT = "absent du cache"  # CacheCheck.problem of a tag never fetched
FETCH_TIMEOUT_S = 20.0
MAX_SCHEMA_FILES = 64
DEFAULT_VERSION = "3"

# Short names → tag fetched: the newest release of each line the bench knows (see `VHOST_CHOICES`).
# "3" = the 3.x line; the local copy (HEAD = 3.4.1-rc.3) is accepted for 3.4.1: its json-schema differs
# from the 3.4.1 release only by version stamps and oneOf order (its VERSION.txt).
VERSION_ALIASES: Mapping[str, str] = {"1": "1.3.0", "1.x": "1.3.0", "2": "2.4.0", "2.x": "2.4.0",
                                      "3": "3.4.1", "3.x": "3.4.1"}


@dataclass(frozen=True)
class PackChoice:
    """The pack tag a vhost validates with, and why that tag (shown by `hubbench packs list`)."""

    tag: str
    reason: str


# Why each line's default tag: one pack per vhost, schemas + examples + test cases from the same tag
# (the official repository `ansforge/SAMU-Hub-Modeles`, tags 1.3.0 and 2.4.0 of 2025-12-16, 3.4.1).
_REASON_1 = ("ligne 1.x (bibliothèque de modèles 1.0 : 15-15 1.5, 15-SMUR 1.4, 15-NexSIS 1.8, 15-GPS 1.0) : "
             "1.3.0 est la dernière release de la ligne ; ses schémas ne diffèrent de 1.0 que par le tampon "
             "« version » et \\w réécrit en [a-zA-Z0-9_] (ansforge/SAMU-Hub-Modeles, tags 1.0…1.3.0), et "
             "elle publie les 10 cas de test officiels 15-15 (champs 1.x) que 1.0 n'a pas")
_REASON_2 = ("ligne 2.x (bibliothèque de modèles 2.x : 15-15 2.0, 15-SMUR 1.6, 15-NexSIS 1.9) : 2.4.0 est "
             "la dernière release de la ligne ; ses schémas ne diffèrent de 2.2 que par le tampon "
             "« version » et des motifs réécrits à l'identique, et elle publie les 10 cas 15-15 + 4 cas "
             "15-SMUR (2.2 : 5 cas 15-15, aucun 15-SMUR)")
_REASON_3 = ("ligne 3.x (nom de vhost supposé, absent des sources) : 3.4.1 est la dernière release connue "
             "du banc ; copie locale HEAD 3.4.1-rc.3 acceptée (json-schema identique hors tampons)")

# Vhost → pack. 1.x and 2.x vhost names are public (Projectathon 6–9 decks; `ansforge/SAMU-Hub-Sante`
# `.github/workflows/cypress-tests.yml`, `hub/dispatcher/src/main/resources/application-local.properties`);
# the 3.x names are ASSUMED from the naming pattern: no public source names them (unverified). Config
# [vhosts] adds to or overrides this map.
VHOST_CHOICES: Mapping[str, PackChoice] = {
    **{v: PackChoice("1.3.0", _REASON_1) for v in ("15-15_v1.5", "15-smur_v1.4", "15-nexsis_v1.8",
                                                    "15-gps_v1.0")},
    **{v: PackChoice("2.4.0", _REASON_2) for v in ("15-15_v2.0", "15-smur_v1.6", "15-nexsis_v1.9")},
    **{v: PackChoice("3.4.1", _REASON_3) for v in ("15-15_v2.1", "15-smur_v1.7", "15-gps_v1.3")},
}
VHOST_PACKS: Mapping[str, str] = {vhost: choice.tag for vhost, choice in VHOST_CHOICES.items()}
CONFIG_REASON = "choisi dans [vhosts] de config.toml"
# The 3.x vhost names are assumptions (not in the sources): one setting, `[assumed_vhosts]` in config.toml
# (link → vhost name), renames them everywhere (hub vhosts, pack map); `hub status` and `packs list` show
# them as « supposé ».
ASSUMED_3X_VHOSTS: Mapping[str, str] = {"15-15": "15-15_v2.1", "15-SMUR": "15-smur_v1.7",
                                        "15-GPS": "15-gps_v1.3"}
ASSUMED_VHOSTS = frozenset(ASSUMED_3X_VHOSTS.values())

_TAG_RE = re.compile(r"^[0-9][0-9A-Za-z.\-]*$")
_REF_FILE_RE = re.compile(r"^[A-Za-z0-9_.\-]+\.schema\.json$")

PROVISIONAL_WARNING = (
    "ATTENTION : aucun pack de schémas officiels n'a pu être obtenu (source injoignable, rien en cache). "
    "Validation de repli avec le paquet PyPI hubsante-model : motifs (patterns) et champs inconnus ne sont "
    "pas contrôlés, les verdicts sont PROVISOIRES. Indiquez un pack avec --pack ou HUBBENCH_PACK_SOURCE."
)


@dataclass(frozen=True, eq=False)
class SchemaPack:
    """One version's schemas, `$id`-neutralised, keyed by file name."""

    tag: str
    line: str  # "1" | "2" | "3"
    directory: Path | None
    provisional: bool = False
    schemas: Mapping[str, Any] = field(default_factory=dict, repr=False)
    source: str = ""
    note: str | None = None
    reason: str | None = None  # provisional: why the official pack could not be had (French)

    @cached_property
    def digest(self) -> str:
        """Content hash: two packs with the same schemas share compiled validators."""
        h = hashlib.sha256(f"{self.tag}|{self.line}|{self.provisional}".encode())
        for name in sorted(self.schemas):
            h.update(name.encode())
            h.update(json.dumps(self.schemas[name], sort_keys=True).encode())
        return h.hexdigest()

    @property
    def label(self) -> str:
        return f"{self.tag} (provisoire)" if self.provisional else self.tag

    def kinds(self) -> dict[str, tuple[str, bool]]:
        """Use-case key → (schema file, RC-DE header required), read from this pack's EDXL-DE-full."""
        full = self.schemas.get(FULL_SCHEMA)
        if not isinstance(full, dict):
            return {}
        try:
            alternatives = full["definitions"]["EmbeddedJsonContent"]["oneOf"]
        except (KeyError, TypeError):
            return {}
        found: dict[str, tuple[str, bool]] = {}
        for alt in alternatives:
            header = HEADER_SCHEMA in _message_refs(alt)
            for key, ref in _use_case_refs(alt):
                found[key] = (ref, header)
        return found


def _message_refs(node: Any) -> set[str]:
    """`$ref`s applied to `message` itself (the RC-DE header) within one oneOf alternative."""
    refs: set[str] = set()
    if isinstance(node, dict):
        msg = node.get("properties", {}).get("message") if isinstance(node.get("properties"), dict) else None
        if isinstance(msg, dict) and isinstance(msg.get("$ref"), str):
            refs.add(msg["$ref"])
        for value in node.values():
            refs |= _message_refs(value)
    elif isinstance(node, list):
        for value in node:
            refs |= _message_refs(value)
    return refs


def _use_case_refs(node: Any) -> list[tuple[str, str]]:
    """(key, schema file) pairs for properties that are both required and a sibling `$ref`."""
    out: list[tuple[str, str]] = []
    if isinstance(node, dict):
        props, required = node.get("properties"), node.get("required")
        if isinstance(props, dict) and isinstance(required, list):
            for key in required:
                target = props.get(key)
                if isinstance(target, dict) and _REF_FILE_RE.match(str(target.get("$ref", ""))):
                    out.append((key, target["$ref"]))
        for value in node.values():
            out += _use_case_refs(value)
    elif isinstance(node, list):
        for value in node:
            out += _use_case_refs(value)
    return out


def sibling_refs(schema: Any) -> set[str]:
    """File names referenced by `"$ref": "X.schema.json"` anywhere in a schema."""
    refs: set[str] = set()
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str) and not ref.startswith("#"):
            refs.add(ref.split("#", 1)[0])
        for value in schema.values():
            refs |= sibling_refs(value)
    elif isinstance(schema, list):
        for value in schema:
            refs |= sibling_refs(value)
    return refs


def neutralise(schema: Any) -> Any:
    """Drop the root `$id` (classpath or meta-schema URL) so refs resolve against the pack's base."""
    if isinstance(schema, dict):
        schema = {k: v for k, v in schema.items() if k != "$id"}
    return schema


def line_of(tag: str) -> str:
    line = tag[:1]
    if line not in ("1", "2", "3"):
        raise UsageError(f"Version de modèle inconnue : {tag!r} (attendu 1.3.0, 2.4.0, 3.4.1 ou 1, 2, 3).")
    return line


def resolve_tag(version: str) -> str:
    tag = VERSION_ALIASES.get(version.strip(), version.strip())
    if not _TAG_RE.match(tag):
        raise UsageError(f"Version de modèle invalide : {version!r} "
                         "(attendu 1.3.0, 2.4.0, 3.4.1 ou 1, 2, 3).")
    line_of(tag)
    return tag


def assumed_vhosts(home: BenchHome | None = None) -> dict[str, str]:
    """Link → the ASSUMED vhost name of its 3.x model line (built-in, or config `[assumed_vhosts]`)."""
    names = dict(ASSUMED_3X_VHOSTS)
    if home is not None:
        configured = home.config().assumed_vhosts
        unknown = sorted(set(configured) - set(names))
        if unknown:
            raise UsageError(f"[assumed_vhosts] de {home.config_file} : liaison(s) inconnue(s) "
                             f"{', '.join(unknown)} (attendu : {', '.join(names)}).")
        names.update(configured)
    return names


def is_assumed(vhost: str, home: BenchHome | None = None) -> bool:
    """The vhost's name is an assumption (3.x line), not a name the sources give."""
    return vhost in assumed_vhosts(home).values()


def vhost_map(home: BenchHome | None = None) -> dict[str, str]:
    mapping = dict(VHOST_PACKS)
    if home is not None:
        for link, name in assumed_vhosts(home).items():
            default = ASSUMED_3X_VHOSTS[link]
            if name != default:
                mapping[name] = mapping.pop(default)
        mapping.update(home.config().vhosts)
    return mapping


def vhost_choice(vhost: str, home: BenchHome | None = None) -> PackChoice | None:
    """The tag of `vhost` and the reason for it (config [vhosts] first); None for an unknown vhost."""
    name = vhost.strip("/")
    configured = home.config().vhosts if home is not None else {}
    if name in configured:
        return PackChoice(configured[name], CONFIG_REASON)
    renamed = {given: ASSUMED_3X_VHOSTS[link] for link, given in assumed_vhosts(home).items()}
    return VHOST_CHOICES.get(renamed.get(name, name))


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SetupError(f"Schéma illisible dans le pack : {path} ({exc})") from exc


def _load_closure(read: Any, origin: str) -> dict[str, Any]:
    """Load EDXL-DE-full, the envelope schema and every sibling they reference, by file name."""
    schemas: dict[str, Any] = {}
    pending = [FULL_SCHEMA, ENVELOPE_SCHEMA]
    while pending:
        name = pending.pop()
        if name in schemas:
            continue
        if not _REF_FILE_RE.match(name) or len(schemas) >= MAX_SCHEMA_FILES:
            raise SetupError(f"Référence de schéma invalide ou pack trop grand : {name!r} ({origin}).")
        schema = read(name)
        if not isinstance(schema, dict):
            raise SetupError(f"Schéma {name} du pack {origin} : un objet JSON est attendu.")
        schemas[name] = neutralise(schema)
        pending.extend(sorted(sibling_refs(schema) - schemas.keys()))
    return schemas


def _load_directory(directory: Path, origin: str) -> dict[str, Any]:
    def read(name: str) -> Any:
        path = directory / name
        if not path.is_file():
            raise SetupError(
                f"Pack incomplet : {name} introuvable dans {directory} (référencé par $ref, {origin})."
            )
        return _read_json(path)

    return _load_closure(read, origin)


def _line_from_schemas(schemas: Mapping[str, Any]) -> str:
    """1.x has RPIS.schema.json and RS-INFO; 2.x has RS-INFO only; 3.x neither."""
    if "RPIS.schema.json" in schemas:
        return "1"
    return "2" if "RS-INFO.schema.json" in schemas else "3"


def _tag_from_version_file(directory: Path) -> str | None:
    path = directory / "VERSION.txt"
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8", errors="replace")
    for pattern in (r"Closest release\s*:\s*([0-9][\w.\-]*)", r"^Tag\s*:\s*([0-9][\w.\-]*)",
                    r"tag ([0-9][\w.\-]*)"):
        match = re.search(pattern, text, re.MULTILINE)
        if match:
            return match.group(1).rstrip(".,")
    return None


def _schema_dir(path: Path) -> Path | None:
    for candidate in (path, path / "json-schema"):
        if (candidate / FULL_SCHEMA).is_file():
            return candidate
    return None


def _find_in_directory(root: Path, tag: str) -> tuple[Path, str | None] | None:
    """Locate the json-schema folder of `tag` under a directory source; returns (folder, note)."""
    for candidate in (root / tag, root / f"official-{tag}"):
        found = _schema_dir(candidate)
        if found:
            return found, None
    official = _schema_dir(root / "official")
    if official:
        version_text = (official / "VERSION.txt").read_text(encoding="utf-8", errors="replace") \
            if (official / "VERSION.txt").is_file() else ""
        if re.search(rf"(?<![\w.]){re.escape(tag)}(?![\w])", version_text):
            note = None
            if "rc" in version_text and f"{tag}-rc" in version_text:
                note = (f"copie locale {official} = HEAD {tag}-rc.*, json-schema sémantiquement égal à la "
                        f"release {tag} (VERSION.txt) : acceptée comme {tag}")
            return official, note
    return None


def pack_from_directory(path: Path, *, tag: str | None = None, note: str | None = None) -> SchemaPack:
    folder = _schema_dir(path)
    if folder is None:
        raise UsageError(
            f"Dossier de pack invalide : {path} (attendu un dossier json-schema contenant {FULL_SCHEMA}, "
            f"ou son parent)."
        )
    schemas = _load_directory(folder, str(folder))
    found_tag = tag or _tag_from_version_file(folder) or "local"
    line = _line_from_schemas(schemas)
    return SchemaPack(tag=found_tag, line=line, directory=folder, schemas=schemas, source=str(folder),
                      note=note)


def _fetch(url: str) -> bytes:
    import requests

    try:
        response = requests.get(url, timeout=FETCH_TIMEOUT_S)
    except requests.RequestException as exc:
        raise SetupError(f"Source de pack injoignable : {url} ({type(exc).__name__}).") from exc
    if response.status_code != 200:
        raise SetupError(f"Téléchargement du schéma impossible : {url} (HTTP {response.status_code}).")
    return response.content


@dataclass(frozen=True)
class CacheCheck:
    """A cached pack folder compared with its checksum manifest."""

    tag: str
    folder: Path
    source: str | None = None  # the base URL recorded in the manifest
    files: int = 0
    size: int = 0
    changed: tuple[str, ...] = ()  # content differs from the manifest
    missing: tuple[str, ...] = ()  # in the manifest, not on disk
    added: tuple[str, ...] = ()  # on disk, not in the manifest
    problem: str | None = None  # no folder, manifest absent or unreadable

    @property
    def intact(self) -> bool:
        """Usable as fetched (a file added beside the pack is never read: schemas load by name)."""
        return self.problem is None and not (self.changed or self.missing)

    @property
    def unchanged(self) -> bool:
        return self.intact and not self.added


def check_cache(folder: Path) -> CacheCheck:
    """Every file of `folder` against `manifest.json` (sha256); never raises."""
    if not folder.is_dir():
        return CacheCheck(folder.name, folder, problem=ABSENT)
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        files = {str(k): str(v) for k, v in manifest["files"].items()}
        source = str(manifest.get("source") or "") or None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        return CacheCheck(folder.name, folder, problem=f"manifeste {MANIFEST} absent ou illisible ({exc})")
    if FULL_SCHEMA not in files:
        return CacheCheck(folder.name, folder, source, problem=f"manifeste sans {FULL_SCHEMA}")
    changed, missing, size = [], [], 0
    for name, digest in sorted(files.items()):
        try:
            data = (folder / name).read_bytes()
        except OSError:
            missing.append(name)
            continue
        size += len(data)
        if hashlib.sha256(data).hexdigest() != digest:
            changed.append(name)
    added = sorted(p.name for p in folder.iterdir() if p.name != MANIFEST and p.name not in files)
    return CacheCheck(folder.name, folder, source, len(files), size, tuple(changed), tuple(missing),
                      tuple(added))


def _verify_cache(folder: Path) -> bool:
    return check_cache(folder).intact


def download_pack(template: str, tag: str, cache_root: Path,
                  progress: Callable[[str, int], None] | None = None) -> Path:
    """Fetch a pack through a `{tag}` URL template into `<cache_root>/<tag>/` (atomic), return the folder.

    `progress(file name, size in bytes)` is called after each file is downloaded."""
    base = template.format(tag=tag)
    if not base.endswith("/"):
        base += "/"
    raw: dict[str, bytes] = {}

    def read(name: str) -> Any:
        raw[name] = _fetch(base + name)
        if progress is not None:
            progress(name, len(raw[name]))
        try:
            return json.loads(raw[name].decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise SetupError(f"Schéma téléchargé illisible : {base + name} ({exc}).") from exc

    _load_closure(read, base)
    cache_root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{tag}.", dir=cache_root))
    try:
        for name, data in raw.items():
            (tmp / name).write_bytes(data)
        manifest = {"tag": tag, "source": base,
                    "files": {name: hashlib.sha256(data).hexdigest() for name, data in raw.items()}}
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
        target = cache_root / tag
        if target.exists():
            shutil.rmtree(target)
        os.replace(tmp, target)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise SetupError(f"Écriture du cache de pack impossible : {cache_root} ({exc}).") from exc
    return target


@dataclass(frozen=True)
class PackSource:
    """Where packs come from: a directory, a URL template, or the official repository by default."""

    value: str
    origin: str  # the environment variable, config.toml, or "défaut"

    @property
    def named(self) -> bool:
        """A source the user named must work: no provisional fallback."""
        return self.origin != "défaut"

    @property
    def is_directory(self) -> bool:
        return "://" not in self.value


def pack_source(home: BenchHome | None) -> PackSource:
    source = os.environ.get(PACK_SOURCE_ENV)
    if source:
        return PackSource(source, PACK_SOURCE_ENV)
    value = home.config().packs.get("source") if home is not None else None
    if value:
        return PackSource(str(value), f"{home.config_file if home else 'config.toml'} [packs] source")
    return PackSource(default_source(), "défaut")


def default_source() -> str:
    """The official repository (or the mirror named by HUBBENCH_PACK_MIRROR)."""
    return os.environ.get(OFFICIAL_MIRROR_ENV) or DEFAULT_SOURCE


def _configured_source(home: BenchHome | None) -> str | None:
    source = pack_source(home)
    return source.value if source.named else None


def _pack_for_tag(tag: str, home: BenchHome | None) -> SchemaPack:
    source = _configured_source(home)
    if source and "://" not in source:
        root = Path(source).expanduser()
        if not root.is_dir():
            raise SetupError(f"Source de packs introuvable : dossier {root} ({PACK_SOURCE_ENV} ou config).")
        found = _find_in_directory(root, tag)
        if found is None:
            raise UsageError(f"Pack {tag!r} introuvable dans la source {root}.")
        folder, note = found
        pack = pack_from_directory(folder, tag=tag, note=note)
        return SchemaPack(tag=tag, line=line_of(tag), directory=pack.directory, schemas=pack.schemas,
                          source=str(root), note=note)
    template = source or default_source()
    if "{tag}" not in template:
        raise UsageError(f"Modèle d'URL de pack sans {{tag}} : {template!r}.")
    cache_root = (home or BenchHome.from_env()).packs_dir
    cached = cache_root / tag
    if not _verify_cache(cached):
        try:
            download_pack(template, tag, cache_root)
        except SetupError as exc:
            if source:  # a source the user named must work
                raise
            log.warning(PROVISIONAL_WARNING)
            return provisional_pack(tag, reason=str(exc))
    pack = pack_from_directory(cached, tag=tag)
    return SchemaPack(tag=tag, line=line_of(tag), directory=cached, schemas=pack.schemas,
                      source=template.format(tag=tag))


def provisional_pack(tag: str, reason: str | None = None) -> SchemaPack:
    """Fallback on the hubsante-model pydantic models (no official schemas): verdicts are provisional."""
    try:
        import hubsante_model  # noqa: F401
    except ImportError as exc:
        raise SetupError("Aucun pack de schémas disponible et paquet hubsante-model absent.") from exc
    cause = reason or f"pack officiel {tag} indisponible"
    return SchemaPack(tag=tag, line=line_of(tag), directory=None, provisional=True,
                      source="pypi:hubsante-model", note=f"{PROVISIONAL_WARNING} Cause : {cause}",
                      reason=cause)


def load_pack(*, directory: str | os.PathLike[str] | None = None, version: str | None = None,
              vhost: str | None = None, home: BenchHome | None = None) -> SchemaPack:
    """The pack named by a directory, a version or a vhost (at most one); default: the 3.x line."""
    given = [x for x in (directory, version, vhost) if x]
    if len(given) > 1:
        raise UsageError("Indiquez au plus un de : --pack, --version, --vhost.")
    if directory:
        path = Path(directory).expanduser()
        if not path.is_dir():
            raise UsageError(f"Dossier de pack introuvable : {path}")
        return pack_from_directory(path)
    if vhost:
        mapping = vhost_map(home)
        name = vhost.strip("/")
        if name not in mapping:
            known = ", ".join(sorted(mapping))
            raise UsageError(f"Vhost inconnu : {vhost!r} (connus : {known} ; ajoutez-le dans [vhosts]).")
        if is_assumed(name, home):
            log.info("vhost %s → pack %s : correspondance supposée (absente des sources publiques)", name,
                     mapping[name])
        return _pack_for_tag(resolve_tag(mapping[name]), home)
    return _pack_for_tag(resolve_tag(version or DEFAULT_VERSION), home)

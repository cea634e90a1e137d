"""Which scenarios check each requirement item: `features/exigences.yaml` joined with the `@exigence-<id>`
tags of `features/*.feature`, per link × role × tier. Pure: files in, values out (no broker, no run).

A cell (item × link × role) is « vérifié » when a scenario that applies to that link and role and checks
by machine cites the item, « à attester » when only scenarios with a person's attestation step do, both
when both kinds do. A scenario checks by machine when one of its « Quand » / « Alors » steps (and their
« Et ») is not an attestation; its « Soit » steps only set the scene. A cell that no scenario covers
shows the item's `statut` (« en cours », « non couvert ») and its `raison`; without one it is an error
of the file (`Coverage.unexplained`). Scenarios win over the statut: an item whose every cell is
covered while it still carries a statut is listed in `Coverage.stale_status`, for a person to remove it.

A scenario applies to a link as the engine selects it (`engine/plugin.py`, `selected`): tagged
`@tous-liens` or with the link's name; one tagged with a kind of LRM (`@lrm-sante`, `@lrm-direct-cisu`)
only on 15-NexSIS; to a role when it has no `@role-…` tag or names that role.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gherkin.errors import CompositeParserException, ParserException
from gherkin.parser import Parser

from hubbench.declaration import LINK_ROLES
from hubbench.engine.links import ALL_LINKS_TAG, OPTIONAL_TIERS
from hubbench.engine.lrm import DIRECT_CISU_TAG, HEALTH_TAG, NEXSIS
from hubbench.errors import UsageError
from hubbench.structured_files import read_structured_file

REQUIREMENT_TAG = "exigence-"
ROLE_TAG = "role-"
LRM_KIND_TAGS = frozenset({DIRECT_CISU_TAG, HEALTH_TAG})
# Every attestation step of steps/ starts so (tests/engine/test_coverage.py checks the step definitions).
ATTESTATION_STEP = re.compile(r"^une personne atteste\b")
ALL_LINKS = "toutes"
STATUSES = ("en cours", "non couvert")
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class CellState(enum.StrEnum):
    VERIFIED = "vérifié"
    VERIFIED_AND_ATTESTED = "vérifié et à attester"
    TO_ATTEST = "à attester"
    IN_PROGRESS = "en cours"
    NOT_COVERED = "non couvert"


@dataclass(frozen=True)
class Requirement:
    id: str
    source: str
    tier: int  # 1–7, or the Robustesse tier's number (OPTIONAL_TIERS["R"])
    links: tuple[str, ...]
    roles: tuple[str, ...] | None  # None: every role of each link
    text: str
    status: str | None = None
    reason: str | None = None

    def cells(self) -> list[tuple[str, str]]:
        return [(link, role) for link in self.links for role in LINK_ROLES[link]
                if self.roles is None or role in self.roles]


@dataclass(frozen=True)
class ScenarioRef:
    feature: str  # file name, e.g. palier-1-raccordement.feature
    name: str
    tags: frozenset[str]
    attestation: bool  # one of its steps is a person's attestation
    machine: bool = True  # one of its action or outcome steps is checked by the bench itself

    @property
    def label(self) -> str:
        return f"{self.feature} › {self.name}"

    @property
    def requirement_ids(self) -> list[str]:
        return sorted(tag[len(REQUIREMENT_TAG):] for tag in self.tags if tag.startswith(REQUIREMENT_TAG))

    def applies(self, link: str, role: str) -> bool:
        if not (ALL_LINKS_TAG in self.tags or link in self.tags):
            return False
        if self.tags & LRM_KIND_TAGS and link != NEXSIS:
            return False
        roles = {tag[len(ROLE_TAG):] for tag in self.tags if tag.startswith(ROLE_TAG)}
        return not roles or role in roles


@dataclass(frozen=True)
class Cell:
    requirement: Requirement
    link: str
    role: str
    state: CellState
    scenarios: tuple[ScenarioRef, ...] = ()
    reason: str | None = None


@dataclass(frozen=True)
class Coverage:
    cells: tuple[Cell, ...]
    unknown: tuple[tuple[str, str], ...] = ()  # (id, scenario label): a tag naming no item
    unexplained: tuple[Cell, ...] = ()  # a cell without scenario, statut nor raison
    stale_status: tuple[str, ...] = ()  # items with a statut whose every cell is covered
    requirements: tuple[Requirement, ...] = field(default=())


class RequirementsError(UsageError):
    """features/exigences.yaml is unreadable or malformed (exit code 2)."""


# ---------------------------------------------------------------- the requirement items


def _tier(value: Any, where: str) -> int:
    if isinstance(value, str) and value.upper() in OPTIONAL_TIERS:
        return OPTIONAL_TIERS[value.upper()]
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 7:
        return value
    raise RequirementsError(f"{where} : palier {value!r} invalide (attendu : 1 à 7, ou R)")


def _links(value: Any, where: str) -> tuple[str, ...]:
    if value == ALL_LINKS:
        return tuple(LINK_ROLES)
    if not isinstance(value, list) or not value or not all(link in LINK_ROLES for link in value):
        raise RequirementsError(f"{where} : liaisons {value!r} invalides (attendu : « toutes » ou une "
                                f"liste parmi {', '.join(LINK_ROLES)})")
    return tuple(value)


def _roles(value: Any, links: tuple[str, ...], where: str) -> tuple[str, ...] | None:
    if value is None:
        return None
    known = {role for link in links for role in LINK_ROLES[link]}
    if not isinstance(value, list) or not value or not set(value) <= known:
        raise RequirementsError(f"{where} : rôles {value!r} invalides pour ces liaisons (attendu : une liste "
                                f"parmi {', '.join(sorted(known))})")
    return tuple(value)


def _text(entry: dict[str, Any], key: str, where: str, required: bool = True) -> str | None:
    value = entry.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise RequirementsError(f"{where} : champ « {key} » manquant ou vide")
    return value.strip()


def parse_requirements(data: Any, origin: str = "exigences") -> tuple[Requirement, ...]:
    """The items of the YAML document `data`; a French RequirementsError for the first problem."""
    if not isinstance(data, dict) or not isinstance(data.get("exigences"), list):
        raise RequirementsError(f"{origin} : liste « exigences » absente")
    items: list[Requirement] = []
    seen: set[str] = set()
    for number, entry in enumerate(data["exigences"], start=1):
        where = f"{origin}, exigence n° {number}"
        if not isinstance(entry, dict):
            raise RequirementsError(f"{where} : une exigence est un dictionnaire")
        unknown = set(entry) - {"id", "source", "palier", "liaisons", "roles", "texte", "statut", "raison"}
        if unknown:
            raise RequirementsError(f"{where} : champ(s) inconnu(s) {', '.join(sorted(unknown))}")
        ident = _text(entry, "id", where) or ""
        where = f"{origin}, exigence « {ident} »"
        if not ID_PATTERN.match(ident) or ident in seen:
            raise RequirementsError(f"{where} : identifiant invalide ou en double "
                                    "(minuscules, chiffres, tirets)")
        seen.add(ident)
        links = _links(entry.get("liaisons"), where)
        status = _text(entry, "statut", where, required=False)
        reason = _text(entry, "raison", where, required=False)
        if status is not None and status not in STATUSES:
            expected = " ou ".join(STATUSES)
            raise RequirementsError(f"{where} : statut {status!r} invalide (attendu : {expected})")
        if (status is None) != (reason is None):
            raise RequirementsError(f"{where} : « statut » et « raison » vont ensemble")
        items.append(Requirement(ident, _text(entry, "source", where) or "",
                                 _tier(entry.get("palier"), where), links,
                                 _roles(entry.get("roles"), links, where),
                                 _text(entry, "texte", where) or "", status, reason))
    return tuple(items)


def load_requirements(path: Path) -> tuple[Requirement, ...]:
    return parse_requirements(read_structured_file(path, "d'exigences"), path.name)


# ---------------------------------------------------------------- the scenarios


def _tag_names(node: dict[str, Any]) -> set[str]:
    return {tag["name"].lstrip("@") for tag in node.get("tags", [])}


def _kinds(scenario: dict[str, Any]) -> tuple[bool, bool]:
    """(has an attestation step, has a machine-checked « Quand » / « Alors » step)."""
    attestation = machine = False
    kind = "Context"
    for step in scenario.get("steps", []):
        if step.get("keywordType") != "Conjunction":
            kind = step.get("keywordType", "Outcome")
        if ATTESTATION_STEP.match(step["text"]):
            attestation = True
        elif kind != "Context":
            machine = True
    return attestation, machine


def parse_feature(text: str, name: str) -> list[ScenarioRef]:
    """The scenarios of one feature file, each with its effective tags (feature, rule, scenario, examples)."""
    try:
        document: dict[str, Any] = dict(Parser().parse(text))
    except (CompositeParserException, ParserException) as exc:
        raise UsageError(f"Scénarios illisibles : {name} ({str(exc).splitlines()[0]})") from exc
    feature = document.get("feature") or {}
    found: list[ScenarioRef] = []

    def walk(children: Iterable[dict[str, Any]], inherited: set[str]) -> None:
        for child in children:
            if "rule" in child:
                walk(child["rule"].get("children", []), inherited | _tag_names(child["rule"]))
            elif "scenario" in child:
                scenario = child["scenario"]
                tags = inherited | _tag_names(scenario)
                for examples in scenario.get("examples", []):
                    tags |= _tag_names(examples)
                found.append(ScenarioRef(name, scenario["name"], frozenset(tags), *_kinds(scenario)))

    walk(feature.get("children", []), _tag_names(feature))
    return found


def read_scenarios(features_dir: Path) -> tuple[ScenarioRef, ...]:
    return tuple(scenario for path in sorted(features_dir.glob("*.feature"))
                 for scenario in parse_feature(path.read_text(encoding="utf-8"), path.name))


# ---------------------------------------------------------------- the join


def _cell(requirement: Requirement, link: str, role: str, scenarios: list[ScenarioRef]) -> Cell:
    machine = any(s.machine for s in scenarios)
    person = any(s.attestation for s in scenarios)
    if machine or person:
        state = (CellState.VERIFIED_AND_ATTESTED if machine and person
                 else CellState.VERIFIED if machine else CellState.TO_ATTEST)
        return Cell(requirement, link, role, state, tuple(scenarios))
    state = CellState.IN_PROGRESS if requirement.status == "en cours" else CellState.NOT_COVERED
    return Cell(requirement, link, role, state, (), requirement.reason)


def build_coverage(requirements: Iterable[Requirement], scenarios: Iterable[ScenarioRef]) -> Coverage:
    requirements = tuple(requirements)
    scenarios = tuple(scenarios)
    known = {r.id for r in requirements}
    unknown = tuple(sorted({(ident, s.label) for s in scenarios for ident in s.requirement_ids
                            if ident not in known}))
    cells: list[Cell] = []
    stale: list[str] = []
    for requirement in sorted(requirements, key=lambda r: r.tier):
        mine = [s for s in scenarios if requirement.id in s.requirement_ids]
        own = [_cell(requirement, link, role, [s for s in mine if s.applies(link, role)])
               for link, role in requirement.cells()]
        cells += own
        if requirement.status and own and all(cell.scenarios for cell in own):
            stale.append(requirement.id)
    unexplained = tuple(c for c in cells if not c.scenarios and not c.reason)
    return Coverage(tuple(cells), unknown, unexplained, tuple(stale), requirements)


def coverage_of(features_dir: Path, requirements_file: Path | None = None) -> Coverage:
    """The coverage of the scenarios of `features_dir` (items: its `exigences.yaml` unless named)."""
    return build_coverage(load_requirements(requirements_file or features_dir / "exigences.yaml"),
                          read_scenarios(features_dir))

"""Which scenarios a declaration covers, from their feature tags; the French reason when one is not.

Tags (on a feature, rule or scenario): `@role-<rôle>` (the scenario plays against that role; several
tags: any of them), `@format-<format>`, `@option-confirmations` / `@option-robustesse` (optional
features), `@cisu-direct` (a 15-NexSIS system exchanging CISU itself). A scenario without such a tag
applies whatever the declaration says. A scenario outside the declaration is still reported, « non
applicable » with the reason returned here (« non déclaré : rôle tablette non déclaré sur 15-SMUR »).
"""

from __future__ import annotations

from collections.abc import Iterable

from hubbench.declaration.model import (
    FEATURE_LABELS_FR,
    FORMAT_LABELS_FR,
    ROLE_LABELS_FR,
    Declaration,
    Format,
    Role,
)

ROLE_TAG = "role-"
FORMAT_TAG = "format-"
OPTION_TAGS: dict[str, str] = {"option-confirmations": "publisherConfirms", "option-robustesse": "robustness"}
CISU_DIRECT_TAG = "cisu-direct"
NOT_DECLARED = "non déclaré : "


def _values(tags: Iterable[str], prefix: str) -> list[str]:
    return sorted(tag[len(prefix):] for tag in tags if tag.startswith(prefix))


def not_declared(tags: Iterable[str], declaration: Declaration, link: str) -> str | None:
    """None when the declaration covers a scenario with these tags on `link`, else the French reason."""
    tags = set(tags)
    entry = declaration.link(link)
    if entry is None:
        return f"{NOT_DECLARED}liaison {link} non déclarée"
    roles = _values(tags, ROLE_TAG)
    if roles and not any(role in entry.roles for role in roles):
        names = " ou ".join(ROLE_LABELS_FR[Role(r)] if r in Role.__members__.values() else r for r in roles)
        return f"{NOT_DECLARED}rôle {names} non déclaré sur {link}"
    for fmt in _values(tags, FORMAT_TAG):
        if fmt not in entry.formats:
            label = FORMAT_LABELS_FR[Format(fmt)] if fmt in Format.__members__.values() else fmt
            return f"{NOT_DECLARED}format {label} non déclaré sur {link}"
    features = declaration.features.model_dump(by_alias=True)
    for tag, feature in OPTION_TAGS.items():
        if tag in tags and not features.get(feature, False):
            return f"{NOT_DECLARED}option « {FEATURE_LABELS_FR[feature]} » non déclarée"
    if CISU_DIRECT_TAG in tags and not entry.direct_cisu:
        return f"{NOT_DECLARED}échange direct CISU (directCISU) non déclaré sur {link}"
    return None

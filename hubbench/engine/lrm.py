"""The vendor's kind of LRM on 15-NexSIS, which decides the case model its scenarios use.

On the real hub a health actor whose `directCISU` preference is set speaks the fire services' model
itself (RC-EDA `createCase`); any other health actor speaks RS-EDA (`createCaseHealth`) and the hub's
dispatcher converts its cases both ways (`ansforge/SAMU-Hub-Sante`, tag `dispatcher-1.4.0`,
`hub/dispatcher/src/main/java/com/hubsante/hub/utils/ConversionUtils.java`, `requiresCisuConversion`).
`declared_direct_cisu` is the one place the bench decides the kind: the vendor's declaration
(`--declaration` / `--direct-cisu`) when it is explicit, else the client registry's preference
(`hubbench clients add --direct-cisu`, which is also what the hub's dispatcher converts by);
scenarios tagged `@lrm-direct-cisu` / `@lrm-sante` run only for their kind, and only on 15-NexSIS.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hubbench.declaration import RunDeclaration
    from hubbench.engine.context import RunContext
    from hubbench.home import BenchHome
    from hubbench.hub import HubSettings

NEXSIS = "15-NexSIS"
DIRECT_CISU_TAG = "lrm-direct-cisu"  # scenario for an LRM that speaks RC-EDA itself
HEALTH_TAG = "lrm-sante"  # scenario for an LRM that speaks RS-EDA, its cases converted by the hub
LRM_TAGS = frozenset({DIRECT_CISU_TAG, HEALTH_TAG})
CREATE_CASE = "createCase"  # RC-EDA
CREATE_CASE_HEALTH = "createCaseHealth"  # RS-EDA
CASE_UPDATE_HEALTH = "createCaseHealthUpdate"  # RS-EDA-MAJ


def declared_direct_cisu(home: BenchHome, settings: HubSettings, client_id: str,
                         declaration: RunDeclaration | None = None, link: str = NEXSIS) -> bool:
    """The vendor's declared `directCISU`: an explicit declaration's entry for the link wins; otherwise
    the client registry's preference (unknown client → false)."""
    if declaration is not None and declaration.origin != "implicite":
        entry = declaration.declaration.link(link)
        if entry is not None:
            return entry.direct_cisu
    from hubbench.hub import ClientRegistry

    return ClientRegistry(home, settings).direct_cisu().get(client_id, False)


def converted(ctx: RunContext) -> bool:
    """The hub converts this vendor's cases on this link (15-NexSIS, conversion on, not directCISU)."""
    return ctx.link.name == NEXSIS and ctx.cisu_conversion and not ctx.direct_cisu


def lrm_tag(ctx: RunContext) -> str:
    """The LRM-kind tag whose scenarios apply to this run ("" off 15-NexSIS: no LRM-kind scenario)."""
    if ctx.link.name != NEXSIS:
        return ""
    return HEALTH_TAG if converted(ctx) else DIRECT_CISU_TAG


def create_kind(ctx: RunContext) -> str:
    """The case model the vendor shares and receives: RC-EDA on 15-NexSIS unless converted, else RS-EDA."""
    return CREATE_CASE if ctx.link.name == NEXSIS and not converted(ctx) else CREATE_CASE_HEALTH


def update_kind(ctx: RunContext) -> str:
    """A correction: RS-EDA-MAJ on 15-15/15-SMUR; on 15-NexSIS a new case message of the vendor's model
    (the hub converts createCaseHealth only, never RS-EDA-MAJ)."""
    return create_kind(ctx) if ctx.link.name == NEXSIS else CASE_UPDATE_HEALTH


def kind_label(ctx: RunContext) -> str:
    """French, for scenario details: which kind of LRM the run treats the vendor as, and why."""
    if ctx.link.name != NEXSIS:
        return ""
    if ctx.direct_cisu:
        return "LRM directCISU (RC-EDA sans conversion)"
    if not ctx.cisu_conversion:
        return "LRM non directCISU, conversion du hub désactivée ([hub] cisu_conversion = false) : RC-EDA"
    return "LRM non directCISU (RS-EDA converti par le hub)"

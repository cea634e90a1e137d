"""declaration room: the vendor's declaration of capabilities (roles per link, model versions, formats,
optional features), its JSON Schema, file and flag loading, tag selection and French text.

model      Declaration, LinkDeclaration, Features, Role, Format, LINK_ROLES, declaration_schema()
loading    load_declaration(path), effective_declaration(...) → RunDeclaration, declared_vhost
selection  not_declared(tags, declaration, link) → None or « non déclaré : … »
text       summary_text / link_text / features_text of a stored declaration

Other rooms use the names below (`from hubbench.declaration import not_declared`), never the modules
behind them; a name is imported on first use (the face itself does not load pydantic).
"""

from typing import TYPE_CHECKING

from hubbench._lazy import lazy_face

if TYPE_CHECKING:
    from hubbench.declaration.loading import (
        RunDeclaration,
        declared_vhost,
        effective_declaration,
        load_declaration,
        parse_declaration,
        validation_error_fr,
    )
    from hubbench.declaration.model import (
        DIRECT_CISU_LINKS,
        FORMAT_LABELS_FR,
        LINK_ROLES,
        ROLE_LABELS_FR,
        Declaration,
        Format,
        Role,
        declaration_schema,
    )
    from hubbench.declaration.selection import NOT_DECLARED, not_declared
    from hubbench.declaration.text import NONE_FR, features_text, link_text, summary_text

__all__ = [
    "DIRECT_CISU_LINKS",
    "FORMAT_LABELS_FR",
    "LINK_ROLES",
    "NONE_FR",
    "NOT_DECLARED",
    "ROLE_LABELS_FR",
    "Declaration",
    "Format",
    "Role",
    "RunDeclaration",
    "declaration_schema",
    "declared_vhost",
    "effective_declaration",
    "features_text",
    "link_text",
    "load_declaration",
    "not_declared",
    "parse_declaration",
    "summary_text",
    "validation_error_fr",
]

__getattr__, __dir__ = lazy_face(__name__, __file__)

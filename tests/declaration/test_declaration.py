"""The vendor's declaration: model, committed JSON Schema, file and flag loading, tag selection, text."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from hubbench.declaration.loading import (
    declared_vhost,
    effective_declaration,
    load_declaration,
    parse_declaration,
)
from hubbench.declaration.model import Declaration, Format, Role, declaration_schema
from hubbench.declaration.selection import not_declared
from hubbench.declaration.text import NONE_FR, link_text, summary_text
from hubbench.errors import UsageError

REPO = Path(__file__).resolve().parents[2]
SCHEMA_FILE = REPO / "schemas" / "declaration.schema.json"
EXAMPLE = REPO / "fixtures" / "declarations" / "exemple.yaml"


def _smur(**entry: Any) -> Declaration:
    return parse_declaration({"links": {"15-SMUR": {"roles": ["lrm"], **entry}}})


def test_the_example_file_loads_with_every_link_and_option() -> None:
    declaration = load_declaration(EXAMPLE)
    assert set(declaration.links) == {"15-15", "15-SMUR", "15-NexSIS", "15-GPS"}
    assert declaration.links["15-SMUR"].roles == (Role.LRM, Role.TABLETTE)
    assert declaration.links["15-15"].formats == (Format.JSON, Format.XML)
    assert declaration.links["15-GPS"].roles == (Role.EMETTEUR_POSITION,)
    assert declaration.features.publisher_confirms and not declaration.features.robustness
    assert declaration.links["15-NexSIS"].direct_cisu is False


def test_values_are_case_insensitive_and_defaults_apply() -> None:
    declaration = parse_declaration({"links": {"15-NexSIS": {"roles": "LRM", "directCISU": True}}})
    entry = declaration.links["15-NexSIS"]
    assert entry.roles == (Role.LRM,) and entry.formats == (Format.JSON,) and entry.direct_cisu
    assert entry.vhosts == () and declaration.version == 1


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ({"links": {"15-15": {"roles": ["tablette"]}}}, "15-15 : rôle 'tablette' impossible (attendu : lrm)"),
        ({"links": {"15-18": {"roles": ["lrm"]}}}, "liaison inconnue '15-18'"),
        ({"links": {"15-15": {"roles": ["lrm"], "directCISU": True}}},
         "directCISU ne concerne que 15-NexSIS"),
        ({"links": {"15-SMUR": {"roles": ["lrm", "LRM"]}}}, "rôle en double"),
        ({"links": {"15-15": {"roles": []}}}, "links.15-15.roles : liste vide"),
        ({"links": {"15-15": {"roles": ["lrm"], "formats": ["yaml"]}}}, "valeur non admise ('yaml')"),
        ({"links": {"15-15": {"roles": ["lrm"], "couleur": "bleu"}}}, "links.15-15.couleur : clé inconnue"),
        ({"links": {}}, "links"),
        ({"version": 2, "links": {"15-15": {"roles": ["lrm"]}}}, "version"),
        ({}, "links : champ obligatoire absent"),
        ([], "objet attendu"),
    ],
)
def test_bad_declarations_are_one_french_line(data: Any, fragment: str) -> None:
    with pytest.raises(UsageError) as raised:
        parse_declaration(data, source="d.yaml")
    message = raised.value.message
    assert message.startswith("Déclaration invalide : d.yaml — ") and fragment in message, message
    assert "\n" not in message and raised.value.exit_code == 2


def test_unreadable_and_corrupt_files(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="illisible"):
        load_declaration(tmp_path / "absent.yaml")
    broken = tmp_path / "d.yaml"
    broken.write_text("links: [unterminated\n", encoding="utf-8")
    with pytest.raises(UsageError, match="corrompu"):
        load_declaration(broken)
    as_json = tmp_path / "d.json"
    as_json.write_text(json.dumps({"links": {"15-15": {"roles": ["lrm"]}}}), encoding="utf-8")
    assert load_declaration(as_json).links["15-15"].roles == (Role.LRM,)


def test_the_committed_schema_is_the_models_and_agrees_with_them() -> None:
    committed = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert committed == declaration_schema(), "schemas/declaration.schema.json à régénérer"
    validator = jsonschema.Draft202012Validator(committed)
    validator.check_schema(committed)
    example = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    assert not list(validator.iter_errors(example))
    for bad in ({"links": {"15-18": {"roles": ["lrm"]}}}, {"links": {"15-15": {"roles": ["pompier"]}}},
                {"links": {"15-15": {"roles": ["lrm"], "extra": 1}}}, {"links": {}}):
        assert list(validator.iter_errors(bad)), bad
        with pytest.raises(UsageError):
            parse_declaration(bad)


def test_implicit_declaration_is_lrm_json_xml_on_the_runs_link() -> None:
    run = effective_declaration(None, "15-15", "15-15_v1.5")
    assert run.origin == "implicite"
    entry = run.declaration.links["15-15"]
    assert entry.roles == (Role.LRM,) and entry.formats == (Format.JSON, Format.XML)
    assert entry.vhosts == ("15-15_v1.5",) and not run.declaration.features.publisher_confirms
    assert run.to_json()["origin"] == "implicite" and run.to_json()["links"]["15-15"]["roles"] == ["lrm"]


def test_flags_build_or_override_the_runs_link() -> None:
    run = effective_declaration(None, "15-SMUR", "15-smur_v1.4", roles=["tablette"], formats=["json"],
                                confirms=True)
    assert run.origin == "options"
    assert run.declaration.links["15-SMUR"].roles == (Role.TABLETTE,)
    assert run.declaration.features.publisher_confirms
    declared = load_declaration(EXAMPLE)
    run = effective_declaration(declared, "15-SMUR", "15-smur_v1.4", roles=["lrm"])
    assert run.origin == "fichier" and run.declaration.links["15-SMUR"].roles == (Role.LRM,)
    assert run.declaration.links["15-15"] == declared.links["15-15"]  # the other links are kept
    with pytest.raises(UsageError, match="directCISU ne concerne que 15-NexSIS"):
        effective_declaration(None, "15-15", "15-15_v1.5", direct_cisu=True)
    with pytest.raises(UsageError, match="rôle 'emetteur-position' impossible"):
        effective_declaration(None, "15-SMUR", "15-smur_v1.4", roles=["emetteur-position"])


def test_a_link_or_vhost_outside_the_file_is_refused() -> None:
    declared = parse_declaration({"links": {"15-15": {"roles": ["lrm"], "vhosts": ["15-15_v2.1"]}}})
    assert declared_vhost(declared, "15-15") == "15-15_v2.1" and declared_vhost(declared, "15-SMUR") is None
    with pytest.raises(UsageError, match="Liaison 15-SMUR absente de la déclaration"):
        effective_declaration(declared, "15-SMUR", "15-smur_v1.4")
    with pytest.raises(UsageError, match=r"Vhost 15-15_v1\.5 non déclaré sur 15-15"):
        effective_declaration(declared, "15-15", "15-15_v1.5")
    assert effective_declaration(declared, "15-SMUR", "15-smur_v1.4", roles=["lrm"]).origin == "fichier"


@pytest.mark.parametrize(
    ("tags", "declaration", "link", "reason"),
    [
        ({"palier-4", "role-lrm"}, _smur(), "15-SMUR", None),
        ({"palier-4", "role-tablette"}, _smur(), "15-SMUR",
         "non déclaré : rôle tablette non déclaré sur 15-SMUR"),
        ({"palier-4", "role-tablette"}, _smur(roles=["tablette", "lrm"]), "15-SMUR", None),
        ({"palier-4", "role-lrm"}, _smur(roles=["tablette"]), "15-SMUR",
         "non déclaré : rôle LRM non déclaré sur 15-SMUR"),
        ({"palier-3", "format-xml"}, _smur(), "15-SMUR", "non déclaré : format XML non déclaré sur 15-SMUR"),
        ({"palier-3", "format-xml"}, _smur(formats=["json", "xml"]), "15-SMUR", None),
        ({"palier-2", "option-confirmations"}, _smur(), "15-SMUR",
         "non déclaré : option « confirmations de publication » non déclarée"),
        ({"palier-2", "option-robustesse"}, _smur(), "15-SMUR",
         "non déclaré : option « robustesse » non déclarée"),
        ({"palier-5", "cisu-direct"}, _smur(), "15-SMUR",
         "non déclaré : échange direct CISU (directCISU) non déclaré sur 15-SMUR"),
        ({"palier-1", "tous-liens"}, _smur(), "15-SMUR", None),
        ({"palier-1", "tous-liens"}, _smur(), "15-15", "non déclaré : liaison 15-15 non déclarée"),
    ],
)
def test_selection_by_tags_gives_the_reason(
    tags: set[str], declaration: Declaration, link: str, reason: str | None
) -> None:
    assert not_declared(tags, declaration, link) == reason


def test_confirms_declared_selects_the_optional_scenario() -> None:
    declaration = parse_declaration({"links": {"15-15": {"roles": ["lrm"]}},
                                     "features": {"publisherConfirms": True}})
    assert not_declared({"palier-2", "option-confirmations"}, declaration, "15-15") is None


def test_declaration_text_for_cli_reports_and_console() -> None:
    stored = {"origin": "fichier", **load_declaration(EXAMPLE).to_json()}
    assert link_text(stored, "15-SMUR") == "LRM + tablette · JSON"
    assert link_text(stored, "15-15") == "LRM · JSON, XML · 15-15_v1.5"
    assert link_text(stored, "15-GPS") == "émetteur de positions · JSON"
    assert summary_text(stored, "15-SMUR") == (
        "Déclaration (fichier de déclaration) : 15-SMUR LRM + tablette · JSON ; "
        "options : confirmations de publication"
    )
    assert summary_text(None, "15-15") == f"Déclaration : {NONE_FR}"
    assert link_text(stored, "15-18") == "—"


def test_the_console_form_passes_the_declaration_to_hubbench_run() -> None:
    from bench_app.launcher import RunRequest

    request = RunRequest(vendor="V", client_id="fr.health.samu440", link="15-SMUR", roles=("lrm", "tablette"),
                         formats=("json",), confirms=True)
    request.validate()
    args = request.arguments()
    assert args[args.index("--role") + 1] == "lrm" and args.count("--role") == 2
    assert args[args.index("--format") + 1] == "json" and "--confirms" in args and "--direct-cisu" not in args
    for bad, fragment in ((RunRequest(vendor="V", client_id="fr.health.samu440", link="15-15",
                                      roles=("tablette",)), "Rôle attendu parmi lrm sur 15-15"),
                          (RunRequest(vendor="V", client_id="fr.health.samu440", link="15-15",
                                      direct_cisu=True), "directCISU ne concerne que 15-NexSIS"),
                          (RunRequest(vendor="V", client_id="fr.health.samu440", link="15-15",
                                      formats=("pdf",)), "Format attendu parmi json, xml")):
        with pytest.raises(UsageError, match=fragment):
            bad.validate()

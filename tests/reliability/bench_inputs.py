"""Bad input to the bench itself, each with the command that must fail cleanly (exit 2, one French line
starting with "Erreur", no traceback). Used by test_bench_inputs.py and bench/reliability.py."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from support.official import MODELS

HUBBENCH = str(Path(sys.executable).parent / "hubbench")
ENGINE_INPUT = str(Path(__file__).resolve().parent / "engine_input.py")
BROKEN_FEATURE = ("# language: fr\nFonctionnalité: cassée\n  Scénario sans deux-points\n    Soit\n"
                  "  Blabla: ::\n")
UNKNOWN_STEP = ("# language: fr\nFonctionnalité: étape inconnue\n@palier-1 @tous-liens\nRègle: r\n"
                "  Scénario: s\n    Soit une étape que personne n'a écrite\n")


def _steps_dir(root: Path, feature: str) -> Path:
    steps = root / "steps"
    steps.mkdir(parents=True, exist_ok=True)
    (steps / "demo.feature").write_text(feature, encoding="utf-8")
    (steps / "test_demo.py").write_text(
        "from pathlib import Path\nfrom pytest_bdd import scenarios\n"
        "scenarios(str(Path(__file__).parent / 'demo.feature'))\n", encoding="utf-8")
    (steps / "pytest.ini").write_text("[pytest]\naddopts =\n", encoding="utf-8")
    return steps


def cases(tmp: Path) -> list[tuple[str, list[str], dict[str, str]]]:
    root = tmp / "entrees"
    root.mkdir(parents=True, exist_ok=True)
    env = {"HUBBENCH_HOME": str(root / "home")}
    corrupt = root / "reponses.yaml"
    corrupt.write_text("by: [non fermé\n  answers: :\n", encoding="utf-8")
    broken_pack = root / "pack-casse"
    shutil.copytree(MODELS / "official" / "json-schema", broken_pack)
    (broken_pack / "RS-EDA.schema.json").unlink()  # other schemas $ref it
    message = root / "message.json"
    message.write_text(json.dumps({"distributionID": "x"}), encoding="utf-8")
    run = [HUBBENCH, "run", "--vendor", "Essai", "--client-id", "fr.health.samu440", "--link", "15-15"]
    return [
        ("fichier de réponses corrompu", [*run, "--answers", str(corrupt)], env),
        ("fichier de réponses absent", [*run, "--answers", str(root / "absent.yaml")], env),
        ("pack de schémas au $ref cassé",
         [HUBBENCH, "validate", "--pack", str(broken_pack), str(message)], env),
        ("identifiant client inexistant (sim)", [HUBBENCH, "sim", "fr.health.inexistant", "--profile",
                                                 "conforme"], env),
        ("identifiant client inexistant (clients)",
         [HUBBENCH, "clients", "show", "fr.health.inexistant"], env),
        ("liaison inconnue", [*run[:-1], "15-99"], env),
        ("fichier feature cassé",
         [sys.executable, ENGINE_INPUT, str(_steps_dir(root / "f", BROKEN_FEATURE))], env),
        ("étape inconnue", [sys.executable, ENGINE_INPUT, str(_steps_dir(root / "s", UNKNOWN_STEP))], env),
    ]

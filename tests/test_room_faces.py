"""Each room's face (`hubbench.<room>.__init__`): `__all__` is exactly what it imports under
`if TYPE_CHECKING:`, every name resolves, and importing the faces loads nothing heavy.

import-linter (`pyproject.toml`, contracts `face-*`) keeps other rooms on these faces."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

from hubbench._lazy import face_imports

ROOMS = ("protocol", "hub", "transport", "cases", "results", "engine", "sim", "campaigns", "promptapi",
         "faults")
HEAVY = ("sqlalchemy", "pika", "aiormq", "lxml", "pytest", "jsonschema_rs", "cryptography", "requests")


@pytest.mark.parametrize("room", ROOMS)
def test_face_exports_exactly_its_typed_imports(room: str) -> None:
    face = importlib.import_module(f"hubbench.{room}")
    assert face.__file__ is not None
    declared = face_imports(face.__file__)
    assert declared, f"hubbench.{room} declares no public name"
    assert sorted(face.__all__) == sorted(declared)
    for module, _ in declared.values():
        assert module.startswith(f"hubbench.{room}."), f"{module} is not a module of hubbench.{room}"


@pytest.mark.parametrize("room", ROOMS)
def test_every_public_name_resolves_to_its_module_attribute(room: str) -> None:
    face = importlib.import_module(f"hubbench.{room}")
    assert face.__file__ is not None
    for name, (module, attribute) in face_imports(face.__file__).items():
        assert getattr(face, name) is getattr(importlib.import_module(module), attribute)
        assert name in dir(face)


def test_unknown_name_is_an_attribute_error() -> None:
    face = importlib.import_module("hubbench.protocol")
    with pytest.raises(AttributeError, match="no_such_name"):
        _ = face.no_such_name


def test_importing_the_faces_loads_nothing_heavy() -> None:
    code = (
        "import sys\n"
        + "".join(f"import hubbench.{room}\n" for room in ROOMS)
        + f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          timeout=60)
    assert done.stdout.strip() == ""

"""Helpers of the conversion tests: official examples, frozen settings, envelopes, validation."""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from hubbench.cases.material import PackMaterial
from hubbench.conversion import ConversionSettings, ConverterLine
from hubbench.protocol import build_message
from hubbench.protocol.validator import PackValidator

SAMU = "fr.health.samuA"
SDIS = "fr.fire.sdisZ"
FROZEN_NOW = datetime(2024, 2, 10, 12, 34, 56)  # the converter's own snapshot tests freeze this instant
SENT_AT = datetime.fromisoformat("2022-09-27T08:23:34+02:00")


def official_examples(material: PackMaterial, model: str) -> list[tuple[str, Any]]:
    """(file name, example object) of every JSON example of a model folder of the pack."""
    files = material.example_files().get(model, [])
    assert files, f"no official {model} example in {material.origin}"
    return [(name, material.example(model, name)) for name in files]


def frozen(line: ConverterLine = ConverterLine.RELEASED, seed: int = 7) -> ConversionSettings:
    return ConversionSettings(line=line, now=lambda: FROZEN_NOW, rng=random.Random(seed))


def envelope(sender: str, recipient: str, use_case: Mapping[str, Any], **kwargs: Any) -> dict[str, Any]:
    """An EDXL-DE message around an official example, as the converter's test fixtures build one."""
    kwargs.setdefault("distribution_id", f"{sender}_2608323d-507d-4cbf-bf74-52007f8124ea")
    kwargs.setdefault("sent_at", SENT_AT)
    return build_message(sender, recipient, use_case, **kwargs)


def assert_valid(val3: PackValidator, edxl: Mapping[str, Any]) -> None:
    report = val3.validate_message(edxl)
    assert report.valid, [issue.message + " @ " + issue.path for issue in report.errors]

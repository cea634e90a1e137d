"""Fonts shipped with the package (DejaVu Sans 2.37, license in `LICENSE-DejaVu.txt` beside them).

The PDF certificate embeds them so that every French character prints (« Œ », « — », « ’ »), which
the PDF core fonts (Latin-1 only) cannot.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

SANS_FAMILY = "DejaVuSans"


def font_path(file_name: str) -> Path:
    """Path of a font file of this package (a real file: the package is installed unzipped)."""
    return Path(str(files(__name__).joinpath(file_name)))


def sans_regular() -> Path:
    return font_path("DejaVuSans.ttf")


def sans_bold() -> Path:
    return font_path("DejaVuSans-Bold.ttf")

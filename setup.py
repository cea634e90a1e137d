"""Build hook: the wheel carries the console, features, steps and schemas inside the package.

They stay beside the package in the repository (see hubbench/resources.py, which finds them in either
place); `build_py` copies them into the `_assets` folder of the built package, so `pip wheel .` and
`pipx install` give a complete bench. An editable install needs no copy: the checkout has them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ASSETS = ("bench_app", "features", "steps", "schemas")  # hubbench/resources.py: ASSETS
HERE = Path(__file__).resolve().parent


class BuildWithAssets(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "hubbench" / "_assets"
        for name in ASSETS:
            shutil.rmtree(target / name, ignore_errors=True)
            shutil.copytree(HERE / name, target / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildWithAssets})

"""Build hook: the installed package carries the shipped data folders.

``workflows/`` (definitions, archived versions, calendars, document templates, the schema) and
``migrations/`` stay at the repository's top level, where people edit them; a wheel copies
them into the package as ``rongcuo/_shipped/`` so an installed rongcuo finds them with no
checkout (:func:`rongcuo.paths.shipped`).  Everything else is in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
SHIPPED = ("workflows", "migrations")


class BuildWithShipped(build_py):
    def run(self) -> None:
        super().run()
        for name in SHIPPED:
            target = Path(self.build_lib) / "rongcuo" / "_shipped" / name
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(ROOT / name, target,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildWithShipped})

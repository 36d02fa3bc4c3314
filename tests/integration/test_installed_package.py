"""An installed package works with no checkout: ``pip install .`` (a wheel, not editable) into
a fresh virtual environment, then from another folder ``rongcuo workflows validate`` and
``rongcuo demo`` find the shipped definitions, archived versions, calendars, document
templates and migrations inside the package (``rongcuo/_shipped``), and ``RONGCUO_HOME``
still overrides where the data goes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel built from this checkout (the third-party libraries come
    from the running interpreter's site-packages: no network)."""
    base = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                    "-w", str(base / "dist"), str(ROOT)], check=True, capture_output=True)
    (wheel,) = (base / "dist").glob("rongcuo-*.whl")
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)],
                   check=True)
    # --ignore-installed: the venv sees the outer site-packages, where this checkout may be
    # installed (editable, same version); the wheel must go into the venv regardless
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-deps",
                    "--no-index", "--ignore-installed", str(wheel)], check=True,
                   capture_output=True)
    return venv


def _run(venv: Path, *args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RONGCUO_")}
    env.update({"RONGCUO_HOME": str(home), "PYTHONPATH": ""})
    return subprocess.run([str(venv / "bin" / "rongcuo"), *args], cwd=home.parent, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_the_installed_package_finds_its_shipped_files_from_anywhere(
    installed: Path, tmp_path: Path
) -> None:
    """The package is imported from the venv (not this checkout), validates every shipped
    definition including the archived ones from inside itself, and the demo opens, walks and
    shows a case on a database it migrates with the shipped migrations."""
    where = subprocess.run(
        [str(installed / "bin" / "python"), "-c", "import rongcuo; print(rongcuo.__file__)"],
        cwd=tmp_path, capture_output=True, text=True, check=True, env={"PATH": "/usr/bin"},
    ).stdout.strip()
    assert where.startswith(str(installed)) and "_shipped" not in where
    home = tmp_path / "home"
    v = _run(installed, "workflows", "validate", home=home)
    assert v.returncode == 0, v.stderr
    assert "_shipped/workflows/licheng.yaml" in v.stdout
    assert "_shipped/workflows/archive/banan-1.yaml" in v.stdout
    assert str(ROOT) not in v.stdout  # nothing is read from the checkout
    d = _run(installed, "demo", home=home)
    assert d.returncode == 0, d.stderr
    assert "历城容错〔2025〕" in d.stdout and "告知相关单位及当事人" in d.stdout
    y = _run(installed, "calendar", "due", "2025-09-05", "30", "--unit", "calendar", home=home)
    assert y.stdout.strip().splitlines()[-1] == "2025-10-09"  # the shipped 2025 calendar

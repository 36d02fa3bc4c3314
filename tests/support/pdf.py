"""Looking at a PDF the way a reader would: poppler's text, fonts, pictures and glyph cover.

:func:`missing_glyphs` is the check that fails on 豆腐块 (missing-glyph boxes).  pdftotext is
no help there — WeasyPrint maps even a missing glyph back to its character, so the text
extracts fine while the page shows boxes — so it asks which fonts ``pdffonts`` says are
embedded, opens those fonts' files (found through fontconfig by their PostScript name) with
fontTools, and lists every character of the extracted text that none of them covers.  With the
CJK fonts gone, the fallback (DejaVu) is what is embedded and every Chinese character is listed.
"""

from __future__ import annotations

import functools
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path


def _run(*args: str, data: bytes | None = None) -> str:
    return subprocess.run(args, input=data, capture_output=True, check=True).stdout.decode()


def text(pdf: Path, *, layout: bool = False, raw: bool = False, first: int | None = None,
         last: int | None = None) -> str:
    """pdftotext; ``raw`` keeps the drawing order, so a table cell's wrapped lines stay
    together instead of interleaving with the next column's."""
    args = ["pdftotext", *(["-layout"] if layout else []), *(["-raw"] if raw else [])]
    if first:
        args += ["-f", str(first)]
    if last:
        args += ["-l", str(last)]
    return _run(*args, str(pdf), "-")


def flat(pdf: Path) -> str:
    """The text with every space and line break removed (a phrase may wrap anywhere)."""
    return re.sub(r"\s+", "", text(pdf))


def pages(pdf: Path) -> int:
    m = re.search(r"^Pages:\s+(\d+)", _run("pdfinfo", str(pdf)), re.M)
    assert m, "pdfinfo gave no page count"
    return int(m.group(1))


@dataclass(frozen=True)
class FontRow:
    name: str
    type: str
    embedded: bool
    subset: bool
    unicode: bool

    @property
    def base(self) -> str:
        return self.name.split("+", 1)[-1]


def fonts(pdf: Path) -> list[FontRow]:
    rows = []
    for line in _run("pdffonts", str(pdf)).splitlines()[2:]:
        m = re.match(r"(\S+)\s+(.+?)\s+(\S+)\s+(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+$", line)
        assert m, f"unexpected pdffonts line: {line!r}"
        rows.append(FontRow(m.group(1), m.group(2), m.group(4) == "yes", m.group(5) == "yes",
                            m.group(6) == "yes"))
    return rows


def png(pdf: Path, out_prefix: Path, dpi: int = 50) -> list[Path]:
    out_prefix.parent.mkdir(parents=True, exist_ok=True)
    for old in out_prefix.parent.glob(out_prefix.name + "-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(out_prefix)], check=True)
    return sorted(out_prefix.parent.glob(out_prefix.name + "-*.png"))


@functools.cache
def _font_files() -> dict[str, tuple[str, int]]:
    """PostScript name (as pdffonts prints it, spaces as hyphens) → (file, index in a TTC)."""
    out: dict[str, tuple[str, int]] = {}
    listing = _run("fc-list", "--format", "%{postscriptname}\t%{file}\t%{index}\n")
    for line in listing.splitlines():
        name, file, index = line.split("\t")
        out.setdefault(name.replace(" ", "-"), (file, int(index or 0)))
    return out


@functools.cache
def _coverage(base: str) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    found = _font_files().get(base) or _font_by_family(base)
    if found is None:
        return frozenset()
    file, index = found
    font = TTFont(file, fontNumber=index, lazy=True)
    return frozenset(font.getBestCmap() or {})


def _font_by_family(base: str) -> tuple[str, int] | None:
    """WeasyPrint names an embedded font after its family (``Noto-Serif-CJK-SC``): match the
    family through fontconfig when the PostScript name does not."""
    family = base.replace("-", " ")
    out = _run("fc-match", "--format", "%{family}\t%{file}\t%{index}", family)
    fam, file, index = out.split("\t")
    if family.lower() not in fam.lower():
        return None
    return file, int(index or 0)


def missing_glyphs(pdf: Path) -> set[str]:
    """Characters of the PDF's text that no embedded font has a glyph for (empty: none)."""
    covered: set[int] = set()
    for row in fonts(pdf):
        covered |= _coverage(row.base)
    return {ch for ch in re.sub(r"\s+", "", text(pdf)) if ord(ch) not in covered}

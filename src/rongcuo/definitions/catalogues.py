"""Evaluation catalogues (评查标准) in YAML: text → :class:`~rongcuo.domain.scoring.Sheet`.

A catalogue file lies in ``workflows/<jurisdiction>/catalogues/`` (``workflows/pu/catalogues/
annex3_penalty.yaml``: 蒲县评查制度附件3).  The file format is this edge's; the checks — ids,
points in steps of 0.5, and every subtotal (items → document → stage → total) — are the
domain's (:func:`rongcuo.domain.scoring.build_sheet`), each problem placed at its line.  A
catalogue that does not add up is refused whole: a wrong subtotal would score every file
wrongly.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from rongcuo import paths
from rongcuo.definitions.yaml_source import parse_yaml
from rongcuo.domain.errors import DefinitionError
from rongcuo.domain.messages import message
from rongcuo.domain.scoring import Sheet, build_sheet
from rongcuo.domain.workflow.problems import Checker, Problem

MSG_CATALOGUE_INVALID = message(
    "catalogue.invalid",
    "评查标准无效：\n{listing}",
    "invalid evaluation catalogue:\n{listing}",
)

MSG_CATALOGUE_DUPLICATE = message(
    "catalogue.duplicate",
    "评查标准编号 {id} 重复：{path}",
    "catalogue id {id} is used twice: {path}",
)

CATALOGUE_FOLDER = "catalogues"


def check_catalogue(text: str, filename: str) -> tuple[Sheet | None, list[Problem]]:
    """The sheet ``text`` describes (None if any problem) and every problem, ``FILE:LINE``."""
    try:
        doc, lines = parse_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        return None, [Problem(filename, line, f"YAML syntax: {problem} (YAML 语法错误)")]
    chk = Checker(filename, lines)
    for line, key in lines.duplicates:
        chk.at_line(line, f"duplicate key '{key}' (重复的键)")
    if not isinstance(doc, dict):
        chk.error((), "评查标准文件必须是一个映射", "a catalogue must be a YAML mapping")
        return None, chk.problems
    sheet = build_sheet(doc, chk)
    return (sheet if not chk.problems else None), chk.problems


def parse_catalogue(text: str, filename: str) -> Sheet:
    """The sheet, or :class:`DefinitionError` listing every problem (``FILE:LINE: …``)."""
    sheet, problems = check_catalogue(text, filename)
    if sheet is None:
        listing = "\n".join(str(p) for p in problems)
        raise DefinitionError.of(
            MSG_CATALOGUE_INVALID,
            listing=listing,
            details={"problems": [p.__dict__ for p in problems]},
        )
    return sheet


def catalogue_files(root: Path | None = None) -> list[Path]:
    """``<root>/*/catalogues/*.yaml`` (default root: the workflows directory)."""
    base = root if root is not None else paths.workflows_dir()
    return sorted(base.glob(f"*/{CATALOGUE_FOLDER}/*.yaml"))


def load_catalogues(root: Path | None = None) -> dict[str, Sheet]:
    """Every catalogue under ``root``, by its id (``pu_annex3_penalty``)."""
    out: dict[str, Sheet] = {}
    for path in catalogue_files(root):
        sheet = parse_catalogue(path.read_text(encoding="utf-8"), str(path))
        if sheet.id in out:
            raise DefinitionError.of(
                MSG_CATALOGUE_DUPLICATE,
                id=sheet.id,
                path=path,
            )
        out[sheet.id] = sheet
    return out

"""Building a :class:`~rongcuo.domain.scoring.model.Sheet` from a mapping, every sum checked.

The catalogue is reconstructed from an OCR of the source, and its subtotals are what confirm
a doubtful value (P3.3.3's "0,5分" is 0.5 because P3.3 totals 3).  So the builder checks
every level: the items of a document add up to the document's points, the documents of a
stage to the stage's, and the stages to the total (annex 3: 8 + 28 + 40 + 8 + 8 + 8 = 100).
A catalogue that does not add up is refused, naming the stage or document and its line.
The mapping comes from any source; the YAML edge supplies the lines
(:mod:`rongcuo.definitions.catalogues`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from rongcuo.domain.scoring.model import (
    ZERO,
    BasicStandard,
    Document,
    Item,
    Sheet,
    Stage,
    is_half_step,
    points,
    shown,
)
from rongcuo.domain.workflow.problems import Checker

ID = re.compile(r"^[A-Z]+[0-9]+[a-z]?(\.[0-9]+)*$")


def _text(doc: Mapping[str, Any], key: str, path: tuple[Any, ...], chk: Checker) -> str:
    value = doc.get(key)
    if not isinstance(value, str) or not value.strip():
        chk.error((*path, key), f"缺少 {key}（非空文本）", f"'{key}' must be non-empty text")
        return ""
    return value.strip()


def _points(doc: Mapping[str, Any], path: tuple[Any, ...], chk: Checker, what: str) -> Decimal:
    p = points(doc.get("points"))
    if p is None or p <= ZERO or not is_half_step(p):
        chk.error((*path, "points"),
                  f"{what} 的分值须为0.5的正整数倍（现为 {doc.get('points')!r}）",
                  f"the points of {what} must be a positive multiple of 0.5 "
                  f"(got {doc.get('points')!r})")
        return ZERO
    return p


def _list(doc: Mapping[str, Any], key: str, path: tuple[Any, ...],
          chk: Checker) -> Sequence[Any]:
    value = doc.get(key)
    if not isinstance(value, list) or not value:
        chk.error((*path, key), f"缺少 {key}（非空列表）", f"'{key}' must be a non-empty list")
        return []
    return value


class _Ids:
    """Every id once, each under its parent's (P3.4.2 lies in P3.4, which lies in P3)."""

    def __init__(self, chk: Checker) -> None:
        self.chk = chk
        self.seen: set[str] = set()

    def take(self, doc: Mapping[str, Any], path: tuple[Any, ...], parent: str | None) -> str:
        value = doc.get("id")
        ident = str(value) if isinstance(value, str) else ""
        if not ID.match(ident):
            self.chk.error((*path, "id"), f"编号 {value!r} 格式不正确（如 P3.4.2）",
                           f"id {value!r} is not an id like P3.4.2")
            return ident
        if ident in self.seen:
            self.chk.error((*path, "id"), f"编号 {ident} 重复", f"id {ident} appears twice")
        self.seen.add(ident)
        if parent is not None and not ident.startswith(parent + "."):
            self.chk.error((*path, "id"), f"编号 {ident} 应以上级编号 {parent}. 开头",
                           f"id {ident} must start with its parent's id {parent}.")
        return ident


def _sum_check(chk: Checker, path: tuple[Any, ...], what_zh: str, what_en: str,
               stated: Decimal, parts: list[Decimal], of_zh: str, of_en: str) -> None:
    total = sum(parts, ZERO)
    if stated and total != stated:
        chk.error((*path, "points"),
                  f"{what_zh} 标明 {shown(stated)} 分，但其{of_zh}合计 {shown(total)} 分",
                  f"{what_en} states {shown(stated)} points but its {of_en} add up to "
                  f"{shown(total)}")


def _document(doc: Any, path: tuple[Any, ...], stage: str, stage_title: str, ids: _Ids,
              chk: Checker) -> Document | None:
    if not isinstance(doc, Mapping):
        chk.error(path, "文书须为映射", "a document must be a mapping")
        return None
    did = ids.take(doc, path, stage)
    title = _text(doc, "title", path, chk)
    stated = _points(doc, path, chk, f"文书 {did}")
    items: list[Item] = []
    for k, raw in enumerate(_list(doc, "items", path, chk)):
        ipath = (*path, "items", k)
        if not isinstance(raw, Mapping):
            chk.error(ipath, "扣分项须为映射", "an item must be a mapping")
            continue
        iid = ids.take(raw, ipath, did)
        items.append(Item(iid, stage, did, _text(raw, "text", ipath, chk),
                          _points(raw, ipath, chk, f"扣分项 {iid}")))
    _sum_check(chk, path, f"阶段 {stage}（{stage_title}）的文书 {did}（{title}）",
               f"stage {stage} ({stage_title}): document {did} ({title})", stated,
               [i.points for i in items], "各扣分项", "items")
    return Document(did, stage, title, stated, tuple(items))


def _stage(doc: Any, path: tuple[Any, ...], ids: _Ids, chk: Checker) -> Stage | None:
    if not isinstance(doc, Mapping):
        chk.error(path, "阶段须为映射", "a stage must be a mapping")
        return None
    sid = ids.take(doc, path, None)
    title = _text(doc, "title", path, chk)
    stated = _points(doc, path, chk, f"阶段 {sid}")
    documents = [d for j, raw in enumerate(_list(doc, "documents", path, chk))
                 if (d := _document(raw, (*path, "documents", j), sid, title, ids, chk))
                 is not None]
    _sum_check(chk, path, f"阶段 {sid}（{title}）", f"stage {sid} ({title})", stated,
               [d.points for d in documents], "各文书", "documents")
    applies = doc.get("applies_if", [])
    if not isinstance(applies, list) or not all(isinstance(a, str) for a in applies):
        chk.error((*path, "applies_if"), "applies_if 须为文本列表",
                  "'applies_if' must be a list of text")
        applies = []
    return Stage(sid, title, stated, tuple(documents), tuple(applies))


def _basic(doc: Mapping[str, Any], ids: _Ids, chk: Checker) -> list[BasicStandard]:
    out = []
    for i, raw in enumerate(_list(doc, "basic", (), chk)):
        path = ("basic", i)
        if not isinstance(raw, Mapping):
            chk.error(path, "基础标准须为映射", "a basic standard must be a mapping")
            continue
        out.append(BasicStandard(ids.take(raw, path, None), _text(raw, "category", path, chk),
                                 _text(raw, "text", path, chk)))
    return out


def build_sheet(doc: Mapping[str, Any], chk: Checker) -> Sheet | None:
    """The sheet ``doc`` describes, or None with every problem in ``chk``."""
    ids = _Ids(chk)
    sheet_id = _text(doc, "catalogue", (), chk)
    title = _text(doc, "title", (), chk)
    annex = _text(doc, "annex", (), chk)
    case_type = _text(doc, "case_type", (), chk)
    total = points(doc.get("total"))
    if total is None or total <= ZERO or not is_half_step(total):
        chk.error(("total",), "总分须为0.5的正整数倍", "'total' must be a positive multiple of 0.5")
        total = ZERO
    basic = _basic(doc, ids, chk)
    stages = [s for i, raw in enumerate(_list(doc, "stages", (), chk))
              if (s := _stage(raw, ("stages", i), ids, chk)) is not None]
    stage_sum = sum((s.points for s in stages), ZERO)
    if total and stage_sum != total:
        listing = " + ".join(f"{s.id} {shown(s.points)}" for s in stages)
        chk.error(("total",), f"各阶段分值合计 {shown(stage_sum)} 分（{listing}），不等于总分 "
                  f"{shown(total)} 分",
                  f"the stages add up to {shown(stage_sum)} ({listing}), not the total "
                  f"{shown(total)}")
    if chk.problems:
        return None
    return Sheet(sheet_id, title, annex, case_type, total, tuple(basic), tuple(stages))

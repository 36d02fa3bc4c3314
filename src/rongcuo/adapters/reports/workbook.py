"""An Excel workbook (openpyxl) of a report: a summary sheet, one sheet per table, the charts.

The summary sheet lists the figures, the parameters and the notes (how it was counted); each
table is a sheet with a bold header row and widths fitted to Chinese text; the charts are PNG
images placed on a sheet of their own.  The numbers are written as numbers (a person can sum
them again in Excel), never as text.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rongcuo.adapters.reports.charts import BarChart, render


@dataclass(frozen=True)
class SheetData:
    title: str
    columns: Sequence[str]
    rows: Sequence[Sequence[Any]]
    note: str = ""


@dataclass(frozen=True)
class WorkbookData:
    title: str
    params: Sequence[tuple[str, Any]]
    figures: Sequence[tuple[str, Any]]
    sheets: Sequence[SheetData]
    charts: Sequence[BarChart] = field(default_factory=tuple)
    notes: Sequence[str] = field(default_factory=tuple)


def _width(value: Any) -> int:
    text = str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _fit(ws: Any) -> None:
    from openpyxl.utils import get_column_letter

    widths: dict[int, int] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is not None:
                widths[cell.column] = max(widths.get(cell.column, 0), _width(cell.value))
    for col, w in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = min(60, w + 2)


def write(data: WorkbookData) -> bytes:
    """The workbook as .xlsx bytes."""
    from openpyxl import Workbook
    from openpyxl.drawing.image import Image
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "汇总"
    ws.append([data.title])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([])
    for k, v in data.params:
        ws.append([k, v])
    ws.append([])
    ws.append(["项目", "数值"])
    for c in ws[ws.max_row]:
        c.font = Font(bold=True)
    for label, value in data.figures:
        ws.append([label, value])
    ws.append([])
    for note in data.notes:
        ws.append([note])
    _fit(ws)
    ws.column_dimensions["A"].width = 40
    for sheet in data.sheets:
        s = wb.create_sheet(sheet.title[:31])
        s.append(list(sheet.columns))
        for c in s[1]:
            c.font = Font(bold=True)
        for r in sheet.rows:
            s.append(list(r))
        if sheet.note:
            s.append([])
            s.append([sheet.note])
        _fit(s)
    if data.charts:
        cs = wb.create_sheet("图表")
        row = 1
        for chart in data.charts:
            img = Image(io.BytesIO(render(chart, "png")))
            cs.add_image(img, f"A{row}")
            row += int(img.height / 20) + 2
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()

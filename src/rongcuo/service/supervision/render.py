"""A report's files: the workbook (xlsx) and its charts (PNG/SVG), from the one read model."""

from __future__ import annotations

from rongcuo.adapters.reports.charts import BarChart, render
from rongcuo.adapters.reports.workbook import SheetData, WorkbookData, write
from rongcuo.service.supervision.report_model import Chart, Report

PARAM_LABELS = {"from": "期间起", "to": "期间止", "year": "年度", "unit": "机关",
                "period": "报告期间", "workflows": "程序", "min_cases": "集中多发：最少件数",
                "factor": "集中多发：平均分布的倍数", "basis": "依据", "note": "说明"}


def bar_chart(report: Report, chart: Chart) -> BarChart:
    """The chart's data, read from its table (the chart shows what the table says)."""
    t = report.table(chart.table)
    return BarChart(chart.title_zh, [str(x) for x in t.column(chart.label)],
                    [float(x) for x in t.column(chart.value)], chart.horizontal)


def chart_file(report: Report, key: str, fmt: str = "png") -> bytes:
    chart = next(c for c in report.charts if c.key == key)
    return render(bar_chart(report, chart), fmt)


def workbook(report: Report) -> bytes:
    """The report as an .xlsx workbook with its charts embedded."""
    params = [(PARAM_LABELS.get(k, k), v if not isinstance(v, list) else "、".join(map(str, v)))
              for k, v in report.params.items() if v is not None]
    return write(WorkbookData(
        title=report.title_zh,
        params=params,
        figures=[(label, value) for _, label, value in report.figures],
        sheets=[SheetData(t.title_zh, t.columns, t.rows, t.note) for t in report.tables],
        charts=[bar_chart(report, c) for c in report.charts],
        notes=report.notes,
    ))

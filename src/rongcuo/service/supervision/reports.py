"""The statistics (蒲县统计制度第二条) and the periodic tolerance report (历城办法第十九条).

Both count the event log over a window of business dates:

* cases opened (each case's first event), by procedure and agency;
* decisions: each case's last event in the window carrying an ``outcome`` (the steps whose
  definition declares an ``outcome`` field), by outcome — exempted cases (容错免责) counted
  apart as "不作为执法错误认定" (历城办法第十八条, 巴南办法第十七条, 蒲县容错制度第十五条);
* overdue steps (every ``DeadlineOverdue`` mark), by procedure and timer;
* corrections done (``CorrectionCompleted``) and cases concluded (steps into a final state);
* for the statistics, the case-file evaluations scored in the window, by grade (the ``score``
  step of ``pu_casefile_evaluation`` writes its grade into its event: phase 2's contract).

The statistics workbook is the data part of the 统计年报; its 情况说明 (art. 2 ¶4) is written by
people.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from rongcuo.adapters.supervision import counts
from rongcuo.service.context import App
from rongcuo.service.supervision.report_model import Chart, Report, Table

# phase 2's contract: the evaluation's `score` step records `FileScored` with Score.to_data()
EVALUATION = ("pu_casefile_evaluation", "score", "FileScored")
NOT_AN_ERROR = "不作为执法错误认定"
GRADES = ("优秀", "良好", "合格", "不合格")


@dataclass
class _Defs:
    """What the shipped definitions say about the steps the counts look for."""

    openings: set[tuple[str, str, str]] = field(default_factory=set)
    decisions: set[tuple[str, str, str]] = field(default_factory=set)
    closings: set[tuple[str, str, str]] = field(default_factory=set)
    corrections: set[tuple[str, str, str]] = field(default_factory=set)
    outcomes: dict[str, str] = field(default_factory=dict)
    timers: dict[tuple[str, str], str] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)


def _defs(app: App) -> _Defs:
    out = _Defs()
    for d in app.definitions:
        out.titles.setdefault(d.id, d.title)
        final = set(d.final_states)
        for t in d.triggers.values():
            step = (d.id, t.name, t.event)
            if t.opens:
                out.openings.add(step)
            if "outcome" in t.data:
                out.decisions.add(step)
            if any(tr.dest in final for tr in t.transitions):
                out.closings.add(step)
            if t.event == "CorrectionCompleted":
                out.corrections.add(step)
        for o in d.outcomes.values():
            out.outcomes.setdefault(o.name, o.label_zh)
        for tm in d.timers.values():
            out.timers.setdefault((d.id, tm.name), tm.label_zh)
    return out


def _by(rows: list[tuple[str, str, int]], i: int) -> Counter[str]:
    out: Counter[str] = Counter()
    for r in rows:
        out[str(r[i])] += r[2]
    return out


def _standing_marks(app: App, conn: Any, rows: list[tuple[str, str, str, str | None, int]],
                    start: date, end: date, unit: str | None
                    ) -> list[tuple[str, str, str, str | None, int]]:
    """The overdue marks less those a correction made untrue (更正/撤销, issue 15): the
    corrected cases are few, each replayed by its own definition."""
    from rongcuo.adapters.supervision.amended import corrected_cases

    gone: Counter[tuple[str, str, str, str | None]] = Counter()
    for cid in corrected_cases(conn):
        case = app.store.load_case(cid)
        if case is None or (unit is not None and case.agency != unit):
            continue
        events = app.store.case_events(cid)
        engine = app.engine_for(case.workflow_id, case.workflow_version)
        for seq in engine.untrue_notices([e.to_event() for e in events]):
            ev = events[seq - 1]
            if ev.type == "DeadlineOverdue" and start <= ev.on <= end:
                gone[(case.workflow_id, case.agency, ev.type, ev.data.get("timer"))] += 1
    return [(w, a, t, timer, n - gone[(w, a, t, timer)]) for w, a, t, timer, n in rows
            if n > gone[(w, a, t, timer)]]


def _core(app: App, start: date, end: date, unit: str | None,
          workflows: set[str] | None = None) -> Report:
    d = _defs(app)

    def keep(pairs: set[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
        return sorted(p for p in pairs if workflows is None or p[0] in workflows)

    with app.store.read() as conn:
        opened = counts.openings(conn, start, end, keep(d.openings), unit)
        decided = counts.decisions(conn, start, end, keep(d.decisions), unit)
        overdue = [r for r in _standing_marks(
                       app, conn, counts.typed(conn, start, end, ["DeadlineOverdue"], unit),
                       start, end, unit)
                   if workflows is None or r[0] in workflows]
        corrected = counts.steps(conn, start, end, keep(d.corrections), unit)
        closed = counts.steps(conn, start, end, keep(d.closings), unit)
    outcomes = Counter(o for _, _, o in decided.values())
    dec_wf = Counter(w for w, _, _ in decided.values())
    dec_ag = Counter(a for _, a, _ in decided.values())
    exempt_ag = Counter(a for _, a, o in decided.values() if o == "exempted")
    over_wf, over_ag = Counter[str](), Counter[str]()
    over_timer: Counter[tuple[str, str]] = Counter()
    for w, a, _t, timer, n in overdue:
        over_wf[w] += n
        over_ag[a] += n
        over_timer[(w, timer or "")] += n
    op_wf, op_ag = _by(opened, 0), _by(opened, 1)
    cl_wf, co_ag = _by(closed, 0), _by(corrected, 1)
    wfs = sorted(set(op_wf) | set(dec_wf) | set(cl_wf) | set(over_wf))
    ags = sorted(set(op_ag) | set(dec_ag) | set(over_ag) | set(co_ag))
    report = Report("", "", "", {"from": start.isoformat(), "to": end.isoformat(),
                                 "unit": unit})
    report.figures = [
        ("opened", "受理（立案）案件", sum(op_wf.values())),
        ("decided", "作出认定", len(decided)),
        ("exempted", f"其中容错免责（{NOT_AN_ERROR}）", outcomes.get("exempted", 0)),
        ("overdue", "逾期环节", sum(over_wf.values())),
        ("corrections", "完成纠错整改", sum(co_ag.values())),
        ("closed", "办结（归档）", sum(cl_wf.values())),
    ]
    report.tables = [
        Table("by_procedure", "按程序", "by procedure",
              ("程序", "名称", "受理", "认定", "办结", "逾期环节"),
              tuple((w, d.titles.get(w, w), op_wf[w], dec_wf[w], cl_wf[w], over_wf[w])
                    for w in wfs)),
        Table("by_agency", "按机关", "by agency",
              ("机关", "受理", "认定", "容错免责", "逾期环节", "完成纠错"),
              tuple((a, op_ag[a], dec_ag[a], exempt_ag[a], over_ag[a], co_ag[a]) for a in ags)),
        Table("by_outcome", "按认定结果", "by outcome", ("结果", "名称", "件数", "说明"),
              tuple((o, d.outcomes.get(o, o), n, NOT_AN_ERROR if o == "exempted" else "")
                    for o, n in sorted(outcomes.items())),
              note=f"容错免责的案件{NOT_AN_ERROR}（历城办法第十八条、巴南办法第十七条），单独列示"),
        Table("overdue", "逾期环节", "overdue steps", ("程序", "期限", "名称", "次数"),
              tuple((w, tm, d.timers.get((w, tm), tm), n)
                    for (w, tm), n in sorted(over_timer.items()))),
    ]
    report.charts = [Chart("outcomes", "认定结果", "by_outcome", "名称", "件数"),
                     Chart("agencies", "各机关受理案件", "by_agency", "机关", "受理",
                           horizontal=True)]
    report.notes = [
        "按事件的业务日期（北京时间）统计；每件案件的认定以期间内最后一次认定为准。",
        "Counted from the event log by each event's business date (CST); a case's decision is "
        "its last in the window.",
    ]
    return report


def _evaluations(app: App, start: date, end: date, unit: str | None) -> Table:
    with app.store.read() as conn:
        scored = counts.scored(conn, start, end, *EVALUATION, agency=unit)
    last = {case_id: (agency, data) for case_id, agency, data in scored}  # a rescore wins
    grades = Counter(str(data.get("grade")) for _, data in last.values())
    total = sum((Decimal(str(data.get("score", 0))) for _, data in last.values()), Decimal(0))
    mean = (total / len(last)).quantize(Decimal("0.1")) if last else None
    rows = tuple((g, grades.get(g, 0)) for g in GRADES)
    return Table("evaluations", "案卷评查等次", "case-file evaluations by grade",
                 ("等次", "案卷数"), rows,
                 note=f"评查案卷 {len(last)} 件" + (f"，平均 {mean} 分" if mean else ""))


def annual_statistics(app: App, year: int, unit: str | None = None) -> Report:
    """The data of one year's 行政执法统计年报 (蒲县统计制度第二条), for all or one agency."""
    report = _core(app, date(year, 1, 1), date(year, 12, 31), unit)
    report.kind = "statistics"
    report.title_zh = f"{year}年度行政执法统计年报（数据）" + (f"：{unit}" if unit else "")
    report.title_en = f"annual enforcement statistics {year}" + (f": {unit}" if unit else "")
    report.params["year"] = year
    ev = _evaluations(app, date(year, 1, 1), date(year, 12, 31), unit)
    report.tables.append(ev)
    report.figures.append(("evaluated", "评查案卷", sum(n for _, n in ev.rows)))
    report.charts.append(Chart("grades", "案卷评查等次", "evaluations", "等次", "案卷数"))
    report.notes.append("依据：蒲县统计制度第二条（统计年报包括行政执法数据、行政执法情况说明等内容；"
                        "本表为数据部分，情况说明由本单位撰写）。")
    return report


def tolerance_report(app: App, start: date, end: date, label: str,
                     workflow: str | None = None) -> Report:
    """The periodic report on fault-tolerance work (历城办法第十九条 "定期向区政府报告"): cases
    by outcome with exempted ones apart, overdue steps, corrections done — over the tolerance
    procedures (those whose definitions have outcomes), or one of them."""
    tolerance = {x.id for x in app.definitions if x.outcomes}
    chosen = {workflow} if workflow else tolerance
    report = _core(app, start, end, None, chosen)
    report.kind = "tolerance"
    report.title_zh = f"履职尽责容错纠错工作情况报告（{label}）"
    report.title_en = f"fault-tolerance work report ({label})"
    report.params.update({"period": label, "workflows": sorted(chosen)})
    report.notes.append("依据：历城办法第十九条“区行政执法监督机构应当定期向区政府报告行政执法履职尽责"
                        "容错纠错工作情况”；报告周期由本单位设定。")
    return report


def to_json(report: Report) -> dict[str, Any]:
    return report.to_dict()

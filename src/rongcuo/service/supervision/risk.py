"""Case classifications and risk points: classify a case, record a risk point, report them.

A case's classification (problem category and field, from the vocabulary of its procedure's
body) is kept beside the event log in its own insert-only table, not in the case's events:
it applies to every procedure — those already recorded included — without changing any
definition or what a stored event means, and a reclassification is a new row with who and
when.  The risk-point report counts the classified cases of a window by category, field,
agency and month, flags clusters under the declared policy, lists the evaluation deductions
that recur per team, and the risk-point records made.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from rongcuo.adapters.supervision import risk as rows
from rongcuo.domain.errors import InvalidInput
from rongcuo.domain.messages import message
from rongcuo.domain.risk import (
    ClusterPolicy,
    RiskPoint,
    Vocabulary,
    check_risk_point,
    find_clusters,
    recurring_items,
)
from rongcuo.service.context import App
from rongcuo.service.errors import CaseNotFound
from rongcuo.service.supervision.report_model import Chart, Report, Table
from rongcuo.service.supervision.reports import EVALUATION

RISK_ARTICLE = ("历城办法第二十一条；巴南办法第十八条第二款；白音他拉制度第十七条；"
                "蒲县容错制度第十八条")
NO_VOCABULARY = message("classification.no_vocabulary",
                        "程序 {workflow} 没有问题分类表，无法分类（已有分类表的程序：{known}）",
                        "procedure {workflow} has no classification vocabulary (covered: {known})")
NO_CASE = message("case.not_found/risk", "没有案件 {ref}", "no case {ref}")
CASES_UNKNOWN = message("risk_point.unknown_cases", "所依据的案件不存在：{ids}",
                        "the cases it draws on do not exist: {ids}")


@dataclass(frozen=True)
class ClassifyCase:
    case_ref: str
    category: str
    field: str
    on: date
    actor: str
    note: str = ""


def classify_case(app: App, vocabularies: Mapping[str, Vocabulary], cmd: ClassifyCase) -> str:
    """Classify a case (its id or number) by its procedure's vocabulary; returns the case id."""
    case = app.store.load_case(cmd.case_ref)
    if case is None:
        raise CaseNotFound.of(NO_CASE, ref=cmd.case_ref)
    vocab = vocabularies.get(case.workflow_id)
    if vocab is None:
        raise InvalidInput.of(NO_VOCABULARY, workflow=case.workflow_id,
                              known="、".join(sorted(vocabularies)) or "—")
    vocab.check(cmd.category, cmd.field)
    with app.unit_of_work() as uow:
        at = app.clock.now()
        uow.after_write(lambda conn, _r: rows.insert_classification(
            conn, case_id=case.id, vocabulary=vocab.id, category=cmd.category,
            field=cmd.field, on=cmd.on, actor=cmd.actor, note=cmd.note, at=at))
        uow.commit()
    return case.id


def record_risk_point(app: App, rp: RiskPoint, actor: str) -> int:
    """Record a body-level risk point linking the cases it drew on; returns its id."""
    check_risk_point(rp)
    with app.unit_of_work() as uow:
        missing = sorted(set(rp.case_ids) - rows.existing_case_ids(uow.conn, rp.case_ids))
        if missing:
            raise InvalidInput.of(CASES_UNKNOWN, ids="、".join(missing), article=rp.article)
        at = app.clock.now()
        made: list[int] = []
        uow.after_write(lambda conn, _r: made.append(rows.insert_risk_point(conn, rp, actor, at)))
        uow.commit()
    return made[0]


def _label(vocabularies: Mapping[str, Vocabulary], vid: str, kind: str, term: str) -> str:
    vocab = next((v for v in vocabularies.values() if v.id == vid), None)
    return vocab.label(kind, term) if vocab else term


def risk_points_report(app: App, vocabularies: Mapping[str, Vocabulary], start: date,
                       end: date, policy: ClusterPolicy | None = None) -> Report:
    """Counts by category, field, agency and month over [start, end], the clusters, the
    recurring evaluation deductions, and the risk-point records of the window."""
    policy = policy or ClusterPolicy()
    from rongcuo.adapters.supervision import counts

    with app.store.read() as conn:
        cases = rows.classified_cases(conn, start, end)
        scored = counts.scored(conn, start, end, *EVALUATION)
        records = rows.risk_point_rows(conn, start, end)
    report = Report("risk-points",
                    f"易错风险点分析（{start.isoformat()} 至 {end.isoformat()}）",
                    f"risk points {start.isoformat()}..{end.isoformat()}",
                    {"from": start.isoformat(), "to": end.isoformat(), **policy.to_dict()})
    clusters = []
    for vid in sorted({c["vocabulary"] for c in cases}):
        vocab = next(v for v in vocabularies.values() if v.id == vid)
        pairs = Counter((c["category"], c["field"]) for c in cases if c["vocabulary"] == vid)
        clusters += [(vid, cl) for cl in find_clusters(pairs, vocab.cells, policy)]
    pair_counts = Counter((c["vocabulary"], c["category"], c["field"]) for c in cases)
    flagged = {(v, cl.category, cl.field) for v, cl in clusters}
    report.figures = [("classified", "已分类案件", len(cases)),
                      ("clusters", "集中多发", len(clusters)),
                      ("records", "风险点记录", len(records))]

    def lab(v: str, kind: str, t: str) -> str:
        return _label(vocabularies, v, kind, t)

    report.tables = [
        Table("pairs", "按类别与领域", "by category and field",
              ("分类表", "问题类别", "领域", "案件数", "集中多发"),
              tuple((v, lab(v, "category", cat), lab(v, "field", f), n,
                     "是" if (v, cat, f) in flagged else "")
                    for (v, cat, f), n in sorted(pair_counts.items(), key=lambda x: -x[1]))),
        Table("clusters", "集中多发", "clusters",
              ("分类表", "问题类别", "领域", "案件数", "平均分布", "倍数"),
              tuple((v, lab(v, "category", cl.category), lab(v, "field", cl.field), cl.count,
                     round(cl.expected, 1), round(cl.ratio, 1)) for v, cl in clusters),
              note=policy.note),
        Table("by_category", "按问题类别", "by category", ("问题类别", "案件数"),
              tuple((lab(v, "category", k), n) for (v, k), n in sorted(
                  Counter((c["vocabulary"], c["category"]) for c in cases).items()))),
        Table("by_agency", "按机关", "by agency", ("机关", "案件数"),
              tuple(sorted(Counter(c["agency"] for c in cases).items()))),
        Table("by_month", "按月份", "by month", ("月份", "案件数"),
              tuple(sorted(Counter(c["opened_on"].strftime("%Y-%m") for c in cases).items()))),
    ]
    per_unit: dict[str, list[list[str]]] = {}
    for _case, agency, data in scored:
        per_unit.setdefault(agency, []).append([str(d.get("item")) for d in
                                                data.get("deductions", [])])
    report.tables.append(Table(
        "recurring_deductions", "反复扣分项", "recurring deductions",
        ("受查单位", "扣分项", "评查案卷", "扣分案卷"),
        tuple((r.unit, r.item, r.files, r.deducted) for r in recurring_items(per_unit)),
        note="同一扣分项在受查单位60%以上且不少于3件评查案卷中出现（政策）"))
    report.tables.append(Table(
        "records", "风险点记录", "risk-point records",
        ("编号", "机构", "日期", "易错风险点", "问题症结", "警示提醒", "提醒对象", "依据案件"),
        tuple((r["id"], r["body"], r["recorded_on"].isoformat(), r["risk_point"],
               r["root_cause"], r["warning"], "、".join(r["recipients"]),
               len(r["case_ids"])) for r in records)))
    report.charts = [Chart("categories", "按问题类别", "by_category", "问题类别", "案件数",
                           horizontal=True)]
    report.notes = [f"依据：{RISK_ARTICLE}。案件按立案（受理）日期计入期间，以最近一次分类为准。",
                    "“频繁”“集中”原文未量化，阈值为本单位政策（见参数 min_cases、factor）。"]
    return report

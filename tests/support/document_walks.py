"""Cases walked through the real service and engine, reaching every document of a procedure.

``walk_licheng_full``: 历城办法第十三条至第二十条 including a review (第十九条), so all eight
Licheng documents are issued; ``walk_banan``: 巴南办法第十六条至第十八条 with a proposal by the
officer's party organisation, an exemption (第十二条、第十三条), the file record (第十七条)
and the correction (第十八条); ``walk_guian``: 贵安办法第八条 — application, a team of two, the
report, an exemption concluded (第六条第（四）项 with all six conditions of 第七条) and approved by
the 党工委, fed back, published, notified to the organisation (personnel) departments and closed,
so its four documents and the case file are issued.  Each step is recorded at 10:00 CST of
its business date.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from rongcuo.service import handlers
from rongcuo.service.commands import FireStep, OpenCase
from tests.support.walks import cst_morning

LICHENG_FULL: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("file", "2025-09-28", {}),
    ("assign_investigator", "2025-09-29", {"investigator": "李四"}),
    ("assign_investigator", "2025-09-29", {"investigator": "王五"}),
    ("start_verification", "2025-09-30", {}),
    ("hear_statement", "2025-10-09", {}),
    ("extend_investigation", "2025-10-20",
     {"days": 15, "approved_by": "区司法局负责人", "reason": "情况复杂"}),
    ("determine", "2025-11-05",
     {"outcome": "exempted", "items": ["10.2"], "correction_required": True}),
    ("notify", "2025-11-07", {"received_on": "2025-11-07"}),
    ("request_review", "2025-11-14", {}),
    ("decide_review", "2025-11-28", {"result": "upheld", "correction_required": True}),
    ("order_correction", "2025-12-01", {"days": 30, "items": "完善执法公示"}),
    ("complete_correction", "2025-12-20", {}),
    ("archive", "2025-12-22", {}),
)

BANAN: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("apply", "2025-06-09", {"applicant": "所在单位党组织", "evidence": "情况说明及现场检查记录"}),
    ("determine", "2025-06-20", {"outcome": "exempted", "items": "12.4,13.1,13.2,13.3",
                                 "correction_required": True}),
    ("record_files", "2025-06-25", {"personnel_file": "巴人档2025-012",
                                    "integrity_file": "廉档2025-034"}),
    ("start_correction", "2025-06-26", {}),
    ("complete_correction", "2025-07-10", {}),
    ("close", "2025-07-11", {}),
)


ALL_7 = ["7.1", "7.2", "7.3", "7.4", "7.5", "7.6"]
GUIAN_FACTORS = {"nature": "工作失误", "timing": "政策调整前", "motive": "推进招商引资",
                 "cause": "容缺受理", "consequence": "损失较小，已挽回", "procedure": "经集体研究",
                 "policy_basis": "符合新区决策部署"}
GUIAN: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("apply", "2025-10-22", {"applicant": "王某", "received_by": "纪检监察机关",
                             "claimed_items": ["6.4"], "statement": "为提高效率容缺受理"}),
    ("assign_team_member", "2025-10-23", {"member": "张组长", "role": "组长"}),
    ("assign_team_member", "2025-10-23", {"member": "李四", "role": "组员"}),
    ("collect_opinions", "2025-10-27", {"sources": "项目单位、投资方"}),
    ("hear_applicant", "2025-10-28", {"record_ref": "谈话笔录第1号"}),
    ("submit_report", "2025-11-10", {"report_ref": "贵安纪工委调查报告第3号",
                                     "findings": "符合第六条第（四）项及第七条各项条件"}),
    ("conclude", "2025-11-14", {"outcome": "exempted", "items": ["6.4", *ALL_7],
                                "preliminary_opinion": "建议对王某容错免责", **GUIAN_FACTORS}),
    ("approve", "2025-11-20", {"outcome": "exempted", "items": ["6.4", *ALL_7],
                               "approving_body": "党工委", "minutes_ref": "党工委会议纪要第12号"}),
    ("feed_back", "2025-11-21", {"fed_back_to": "王某本人"}),
    ("publish", "2025-11-24", {"scope": "新区机关内部", "medium": "内网"}),
    ("notify_departments", "2025-11-25", {"organisation_department": "新区党群工作部",
                                          "other_departments": ["新区人力资源和社会保障局"]}),
    ("close", "2025-11-28", {}),
)


def _walk(app: Any, clock: Any, workflow: str, opened: str, subject: str, agency: str,
          data: dict[str, Any], steps: tuple[tuple[str, str, dict[str, Any]], ...],
          actor: str) -> str:
    clock.set(cst_morning(opened))
    res = handlers.open_case(app, OpenCase(workflow_id=workflow, subject=subject, agency=agency,
                             on=date.fromisoformat(opened), actor=actor, data=data))
    for trigger, on, step_data in steps:
        clock.set(cst_morning(on))
        handlers.fire(app, FireStep(res.case_id, trigger, on=date.fromisoformat(on), actor=actor,
                      data=step_data))
    return str(res.case_id)


def walk_licheng_full(app: Any, clock: Any) -> str:
    return _walk(app, clock, "licheng", "2025-09-26", "张三", "区综合行政执法局",
                 {"matter": "占道经营处罚", "source": "application"}, LICHENG_FULL,
                 "监督科王科长")


def walk_banan(app: Any, clock: Any) -> str:
    return _walk(app, clock, "banan", "2025-06-03", "丁某", "中共重庆市巴南区纪律检查委员会",
                 {"matter": "危险废物贮存检查", "started_by": "其他追责问责机关"}, BANAN,
                 "区生态环境局办公室")


def walk_guian(app: Any, clock: Any) -> str:
    return _walk(app, clock, "guian", "2025-10-20", "王某", "贵安新区纪工委",
                 {"subject_kind": "个人", "matter": "招商引资A区项目容缺受理失误",
                  "matter_key": "招商引资A区项目容缺受理"}, GUIAN, "新区纪工委案管室")


def case_view(engine: Any, commands: Any, *, case_id: str = "c0ffee",
              number: str = "测试〔2025〕1号", until: int | None = None) -> Any:
    """A :class:`~rongcuo.documents.view.CaseView` from commands run through the pure engine
    (no store): the events numbered 1, 2, 3 … and the case as of event ``until`` (default:
    the last)."""
    from rongcuo.documents.view import CaseView, DeadlineView, StepView
    from rongcuo.testing.workflows import run

    _, events = run(engine, commands)
    events = events[: until or len(events)]
    state = engine.replay(events)
    first = events[0]
    return CaseView(
        id=case_id, number=number, workflow_id=state.workflow_id,
        workflow_version=state.workflow_version, subject=str(first.data["subject"]),
        agency=str(first.data["agency"]), opened_on=first.on, facts=dict(state.facts),
        steps=tuple(StepView(i, e.trigger, e.on, e.actor, e.article, dict(e.data))
                    for i, e in enumerate(events, 1)),
        deadlines=tuple(DeadlineView(d.timer, d.label_zh or d.timer, d.started_on, d.due,
                                     d.status) for d in engine.deadlines(state)),
    )

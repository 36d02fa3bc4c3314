"""The Banan documents (巴南办法第十六条至第十八条).

The accountability body (追责问责机关, the case's ``agency``) decides; a procedure the bureau's
party group started considers tolerance itself, one another body started takes the proposal
of the officer or the officer's party organisation (第十六条).  The decision's effects are
第十七条's: not an enforcement error, treated fairly in assessments and appointments; for a
lighter or mitigated outcome, unaffected once the effect period ends; and the proposal goes
into the personnel and integrity files.  Correction starts on receipt (第十八条).
"""

from __future__ import annotations

from rongcuo.documents.builders.common import (
    BuildInput,
    as_items,
    builder,
    items_text,
    on_text,
    paragraphs,
    plain,
    procedure_intro,
)
from rongcuo.documents.model import Body, FormRow, Party
from rongcuo.documents.text import cn_date

DETERMINATION = "容错纠错决定书"
TOLERATED = ("exempted", "lighter", "mitigated")

_DECISION = {
    "duty_fulfilled": "认定{s}履职尽责，依法不予追究责任（《办法》第十条）。",
    "exempted": "对{s}予以容错，免除责任（《办法》第十二条、第十三条）。经决定予以容错的，"
                "不作为执法错误认定，在各类考核、评先评优、选拔任用、推荐提名、发放津补贴等方面"
                "正确对待、不受影响（《办法》第十七条第一款）。",
    "lighter": "对{s}从轻处理（《办法》第十四条）。影响期满后在交流、选拔任用等方面不受影响，"
               "依据相关程序办理（《办法》第十七条第二款）。",
    "mitigated": "对{s}减轻处理（《办法》第十四条）。影响期满后在交流、选拔任用等方面不受影响，"
                 "依据相关程序办理（《办法》第十七条第二款）。",
    "not_tolerated": "对{s}不予容错（《办法》第十五条、第十六条）。",
}


def _parties(inp: BuildInput) -> tuple[Party, ...]:
    return (Party("执法人员", inp.subject), Party("追责问责机关", inp.agency))


def _how_started(inp: BuildInput) -> str:
    text = (f"{inp.agency}于{cn_date(inp.case.opened_on)}对{inp.subject}启动追责问责程序（事项："
            f"{inp.case.matter}）。")
    applied = inp.step_of("apply")
    if applied is not None:
        who = applied.data.get("applicant") or "执法人员本人"
        evidence = applied.data.get("evidence")
        text += (f"{who}于{cn_date(applied.on)}依照{procedure_intro(inp.proc)}第十六条提出书面容错"
                 "建议" + (f"，并附证据材料（{evidence}）" if evidence else "") + "。")
    elif inp.fact("started_by") == "局党组":
        text += (f"追责问责程序由区生态环境局党组启动，依照{procedure_intro(inp.proc)}第十六条同步"
                 "考虑容错情形。")
    else:
        text += f"依照{procedure_intro(inp.proc)}第十六条审查。"
    return text


@builder("banan.determination")
def determination(inp: BuildInput) -> Body:
    """容错纠错决定书 (第十六条 how it was proposed; 第十二条至第十六条 the situations;
    第十七条 its effects; 第十八条 correction on receipt)."""
    outcome = str(inp.data("outcome") or inp.fact("outcome") or "")
    items = as_items(inp.data("items") or inp.fact("items"))
    tolerated = outcome in TOLERATED
    return Body(
        parties=_parties(inp),
        articles=(inp.proc.outcome_article(outcome),),
        paragraphs=paragraphs(
            plain(f"执法人员：{inp.subject}"),
            plain(f"追责问责机关：{inp.agency}"),
            plain(f"事项：{inp.case.matter}"),
            _how_started(inp),
            f"经审查，{inp.subject}的情形符合{items_text(inp.proc, items)}。" if items else None,
            "现决定如下：",
            _DECISION.get(outcome, "决定结果：{s}" + inp.proc.outcome_label(outcome) + "。").format(
                s=inp.subject),
            ("对执法人员作出的容错免责或减责建议，存入干部人事档案和廉政档案（《办法》第十七条第三款）。"
             if tolerated else None),
            ("接到本决定后，应当及时启动纠错程序，尽快消除影响、挽回损失，防止负面影响或损失进一步扩大"
             "（《办法》第十八条）。" if tolerated or inp.data("correction_required") else None),
        ),
    )


@builder("banan.file_record")
def file_record(inp: BuildInput) -> Body:
    """存入干部人事档案和廉政档案登记表 (第十七条第三款)."""
    det = inp.step_of("determine")
    outcome = inp.proc.outcome_label(str(inp.fact("outcome") or ""))
    return Body(
        parties=_parties(inp),
        rows=(FormRow("案件编号", inp.case.number),
              FormRow("执法人员", inp.subject),
              FormRow("追责问责机关", inp.agency),
              FormRow("事项", inp.case.matter),
              FormRow("决定", f"{outcome}（{inp.doc_ref('determination', DETERMINATION)}，"
                              f"{on_text(det)}）"),
              FormRow("存入材料", "容错免责或减责建议及容错纠错决定书"),
              FormRow("干部人事档案编号", str(inp.data("personnel_file") or "")),
              FormRow("廉政档案编号", str(inp.data("integrity_file") or "")),
              FormRow("存档日期", cn_date(inp.step.on)),
              FormRow("经办人", inp.step.actor)),
        note="对执法人员作出的容错免责或减责建议，应存入干部人事档案和廉政档案"
             f"（{inp.proc.short}第十七条第三款）。",
    )

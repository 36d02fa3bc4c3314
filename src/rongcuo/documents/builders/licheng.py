"""The Licheng documents (历城办法第十三条至第二十条), built from a case's facts and steps.

Wording follows the source: 立案、核实、认定、反馈、纠错、归档 (第十四条); at least two
investigators and the statement heard (第十六条); 30 days, extended once by at most 30 with
the head's approval, and notice within 7 days (第十七条); exempted is not an enforcement error,
unlawful or improper acts get a 《行政执法监督意见书》, the rest the fault procedure (第十八条);
15 days from receipt to ask for review, decided within 30 (第十九条); reasons, items and a
deadline for the correction, which may be extended (第二十条).  The builders add nothing the
case does not record: a line the system cannot know is left for the pen.
"""

from __future__ import annotations

from datetime import date

from rongcuo.documents.builders.common import (
    BuildInput,
    as_items,
    builder,
    cite,
    heading,
    items_refs,
    items_text,
    methods_line,
    on_text,
    paragraphs,
    plain,
    procedure_intro,
)
from rongcuo.documents.delivery import Delivery
from rongcuo.documents.model import Body, FormRow, Party
from rongcuo.documents.text import cn_date, join_cn

SOURCE_ZH = {"supervision_case": "行政执法监督案件", "application": "当事人申请",
             "report": "信访举报"}
DETERMINATION = "容错纠错认定决定书"


def _parties(inp: BuildInput) -> tuple[Party, ...]:
    return (Party("容错纠错对象", inp.subject), Party("行政执法机关", inp.agency))


def _case_rows(inp: BuildInput) -> tuple[FormRow, ...]:
    return (FormRow("案件编号", inp.case.number), FormRow("容错纠错对象", inp.subject),
            FormRow("行政执法机关", inp.agency), FormRow("事项", inp.case.matter))


def _outcome(inp: BuildInput, outcome: str | None = None) -> str:
    return inp.proc.outcome_label(outcome or str(inp.fact("outcome") or ""))


@builder("licheng.filing_approval")
def filing_approval(inp: BuildInput) -> Body:
    """立案审批表 (第十三条 the procedure starts with the supervision case; 第十四条 立案)."""
    opened = inp.step_of("open")
    source = str((opened.data if opened else {}).get("source") or "")
    return Body(
        parties=_parties(inp),
        rows=(*_case_rows(inp),
              FormRow("来源", SOURCE_ZH.get(source, source)),
              FormRow("启动日期", cn_date(inp.case.opened_on)),
              FormRow("立案日期", cn_date(inp.step.on)),
              FormRow("承办意见", "经初步核查，建议按照“立案、核实、认定、反馈、纠错、归档”的程序"
                      f"立案办理（{inp.proc.short}第十四条）。"),
              FormRow("经办人", inp.step.actor),
              FormRow("负责人审批意见", ""),
              FormRow("负责人签名", "")),
        note="行政执法监督机构在启动行政执法监督案件时同时启动行政执法履职尽责容错纠错程序"
             f"（{inp.proc.short}第十三条）。",
    )


@builder("licheng.extension_approval")
def extension_approval(inp: BuildInput) -> Body:
    """延长调查期限审批表 (第十七条: 经负责人批准可以延长，延长期限不得超过30日)."""
    inv = inp.deadline("investigation")
    filed = inp.step_of("file")
    return Body(
        parties=_parties(inp),
        rows=(*_case_rows(inp),
              FormRow("立案日期", on_text(filed)),
              FormRow("调查期限", f"自立案之日起30日内调查终结（{inp.proc.short}第十七条）"),
              FormRow("延长理由", str(inp.data("reason") or "")),
              FormRow("申请延长", f"{inp.data('days')}日（延长期限不得超过30日）"),
              FormRow("延长后调查期限届满日", cn_date(inv.due) if inv and inv.due else ""),
              FormRow("批准的负责人", str(inp.data("approved_by") or "")),
              FormRow("批准日期", cn_date(inp.step.on)),
              FormRow("经办人", inp.step.actor)),
        note=f"鉴定（评估、检测）等技术性调查时间不计入办理时间（{inp.proc.short}第十六条）。",
    )


def _process(inp: BuildInput) -> str:
    c = inp.case
    team = inp.fact("investigators")
    who = join_cn(str(x) for x in team) if isinstance(team, list) else ""
    text = (f"本机构于{cn_date(c.opened_on)}依照{procedure_intro(inp.proc)}第十三条启动容错纠错"
            f"程序，于{on_text(inp.step_of('file'))}立案（{cite('第十四条')}）。")
    text += f"调查人员{who}进行了核实" if who else "调查人员进行了核实"
    if inp.fact("statement_heard"):
        text += "，充分听取了被调查人的陈述申辩"
    text += f"（{cite('第十六条')}）。"
    if inp.step_of("pause_clock"):
        text += f"委托鉴定（评估、检测）的时间不计入办理时间（{cite('第十六条')}）。"
    hearing = inp.step_of("hold_hearing")
    if hearing:
        text += (f"本案于{cn_date(hearing.on)}召开听证会，听证主持人{hearing.data.get('host', '')}"
                 f"（{cite('第十四条')}）。")
    ext = inp.step_of("extend_investigation")
    if ext:
        text += f"经负责人批准，调查期限延长{ext.data.get('days')}日（{cite('第十七条')}）。"
    return text


_DECISION = {
    "duty_fulfilled": "认定{s}履职尽责，依法不予追究责任（《办法》第九条）。",
    "exempted": "对{s}予以容错免责。予以容错免责的，不作为行政执法错误认定"
                "（《办法》第十八条第一款）。",
    "lighter": "对{s}从轻处理（《办法》第十条、第十一条）。",
    "mitigated": "对{s}减轻处理（《办法》第十条、第十一条）。",
    "not_tolerated": "对{s}不予容错免责，依照行政执法过错责任追究程序追究行政执法过错责任"
                     "（《办法》第十八条第三款）。",
}


@builder("licheng.determination")
def determination(inp: BuildInput) -> Body:
    """容错纠错认定决定书 (第十七条 decided within the period; 第十八条 its effect)."""
    outcome = str(inp.data("outcome") or inp.fact("outcome") or "")
    items = as_items(inp.data("items") or inp.fact("items"))
    correction = bool(inp.data("correction_required", inp.fact("correction_required")))
    found = (f"经审查，{inp.subject}在{inp.case.matter}中的行政执法行为，符合"
             f"{items_text(inp.proc, items)}的情形。" if items else "")
    return Body(
        parties=_parties(inp),
        articles=(inp.proc.outcome_article(outcome),),
        paragraphs=paragraphs(
            plain(f"容错纠错对象：{inp.subject}"),
            plain(f"行政执法机关：{inp.agency}"),
            plain(f"事项：{inp.case.matter}"),
            _process(inp),
            found,
            "现决定如下：",
            _DECISION.get(outcome, "认定结果：{s}" + _outcome(inp, outcome) + "。").format(
                s=inp.subject),
            ("本案需要纠错。本机构将说明纠错事由，明确纠错事项，责成限期纠正（《办法》第二十条）。"
             if correction else None),
            "如对本决定不服，可以自收到本决定之日起15日内，向区行政执法监督机构书面提出复核申请"
            "（《办法》第十九条）。",
        ),
    )


@builder("licheng.supervision_opinion")
def supervision_opinion(inp: BuildInput) -> Body:
    """行政执法监督意见书 (第十八条第二款: 对于发现的违法或不当行政执法行为 … 应当制发)."""
    outcome = str(inp.data("outcome") or inp.fact("outcome") or "")
    items = as_items(inp.data("items") or inp.fact("items"))
    return Body(
        addressees=(inp.agency,),
        parties=_parties(inp),
        articles=("历城办法第二十一条",),
        paragraphs=paragraphs(
            f"本机构在办理{inp.case.number}容错纠错案件（容错纠错对象：{inp.subject}；事项："
            f"{inp.case.matter}）中，发现你单位在该事项的行政执法中存在违法或者不当的行政执法行为。"
            f"依照{procedure_intro(inp.proc)}第十八条第二款，制发本意见书。",
            heading("一、认定情况"),
            f"本机构于{cn_date(inp.step.on)}作出{inp.doc_ref('determination', DETERMINATION)}，"
            f"认定结果为{_outcome(inp, outcome)}" + (f"（{items_refs(items)}）" if items else "")
            + "。",
            heading("二、监督意见"),
            "请你单位督促指导行政执法人员认真分析原因、深刻汲取教训，完善制度、健全机制，防止类似错误"
            "再次发生（《办法》第二十条第二款）。纠错事由、纠错事项和期限，由本机构另行责成限期纠正"
            "（《办法》第二十条第一款）。",
            ("对不予容错免责的，依照行政执法过错责任追究程序，追究行政执法过错责任（《办法》第十八条"
             "第三款）。" if outcome == "not_tolerated" else None),
            "本机构将跟踪了解整改情况（《办法》第二十一条）。",
        ),
    )


@builder("licheng.notice")
def notice(inp: BuildInput) -> Body:
    """告知书 to the units and the party (第十七条: 决定作出后7日内告知; 第十九条: review)."""
    det = inp.step_of("determine")
    items = as_items(det.data.get("items") if det else inp.fact("items"))
    correction = bool(inp.fact("correction_required"))
    return Body(
        addressees=(inp.agency, inp.subject),
        parties=_parties(inp),
        paragraphs=paragraphs(
            f"本机构于{on_text(det)}对{inp.subject}（{inp.agency}）{inp.case.matter}事项作出"
            f"{inp.doc_ref('determination', DETERMINATION)}。依照{procedure_intro(inp.proc)}"
            "第十七条，现将认定结果告知如下：",
            f"认定结果：{_outcome(inp)}。" + (f"认定依据：{items_refs(items)}。" if items else ""),
            ("本案需要纠错，纠错事由、纠错事项和期限另行通知（《办法》第二十条）。"
             if correction else None),
            "如对认定决定不服，可以自收到认定决定之日起15日内，向区行政执法监督机构书面提出复核"
            "申请；复核决定在30日内作出（《办法》第十九条）。",
            "特此告知。",
            plain(f"附件：{DETERMINATION}"),
        ),
    )


@builder("licheng.delivery_receipt")
def delivery_receipt(inp: BuildInput) -> Body:
    """送达回证: what was served, on whom, how, received by whom and when (第十九条 counts
    the review window from that date)."""
    d = inp.delivery
    received = d.received_on if d else None
    if received is None and inp.data("received_on"):
        received = date.fromisoformat(str(inp.data("received_on")))
    if d is None and received is not None and inp.data("received_by"):
        # recorded by `doc deliver` on the notify step: the receipt prints it (第十九条)
        d = Delivery(str(inp.data("method") or ""), str(inp.data("received_by")), received)
    window = inp.deadline("review_window")
    served = join_cn((inp.doc_ref("determination", DETERMINATION),
                      inp.doc_ref("notice", "容错纠错认定结果告知书")))
    return Body(
        parties=(Party("受送达人", inp.subject), Party("行政执法机关", inp.agency)),
        rows=(FormRow("案件编号", inp.case.number),
              FormRow("送达文书", served),
              FormRow("受送达人", inp.subject),
              FormRow("行政执法机关（同时告知）", inp.agency),
              FormRow("送达地点", d.place if d else ""),
              FormRow("送达方式", methods_line(d.method if d else None)),
              FormRow("收件人（签名或盖章）", d.received_by if d else ""),
              FormRow("收件日期", cn_date(received) if received else ""),
              FormRow("送达人", (d.served_by if d and d.served_by else inp.step.actor)),
              FormRow("复核申请期限", (f"自收到之日起15日内，至{cn_date(window.due)}止"
                                     if window and window.due else "自收到认定决定之日起15日内"))),
        note=(d.note if d and d.note else "")
        + f"收件日期是复核申请期限的起算日（{inp.proc.short}第十九条）；留置送达的，"
        "请注明拒收事由和见证人。",
    )


@builder("licheng.review_decision")
def review_decision(inp: BuildInput) -> Body:
    """复核决定书 (第十九条: 书面提出复核申请, 复核决定应当在30日内作出)."""
    det = inp.step_of("determine")
    req = inp.step_of("request_review")
    upheld = inp.data("result") == "upheld"
    correction = bool(inp.data("correction_required", inp.fact("correction_required")))
    return Body(
        parties=(Party("申请人", inp.subject), Party("行政执法机关", inp.agency)),
        paragraphs=paragraphs(
            plain(f"申请人：{inp.subject}（{inp.agency}）"),
            f"申请人不服本机构于{on_text(det)}作出的{inp.doc_ref('determination', DETERMINATION)}"
            f"（认定结果：{_outcome(inp)}），于{on_text(req)}书面提出复核申请。本机构依照"
            f"{procedure_intro(inp.proc)}第十九条进行了复核。",
            "现决定如下：",
            "维持原认定决定。" if upheld else
            "变更原认定决定，变更后的认定结果以本机构作出的认定决定为准。",
            "复核后，本案需要纠错，本机构将责成限期纠正（《办法》第二十条）。" if correction
            else "复核后，本案无需纠错。",
        ),
    )


@builder("licheng.correction_order")
def correction_order(inp: BuildInput) -> Body:
    """责成限期纠正通知书 (第二十条: 说明纠错事由，明确纠错事项，提出纠错要求，责成限期纠正)."""
    det = inp.step_of("determine")
    review = inp.step_of("decide_review")
    items = as_items(det.data.get("items") if det else inp.fact("items"))
    due = inp.deadline("correction")
    days = inp.data("days")
    given = inp.data("due")
    by = (cn_date(due.due) if due and due.due
          else cn_date(date.fromisoformat(str(given))) if given else "规定期限")
    within = f"（自本通知之日起{days}日内）" if days else ""
    return Body(
        addressees=(inp.subject, inp.agency),
        parties=_parties(inp),
        paragraphs=paragraphs(
            f"本机构于{on_text(det)}作出{inp.doc_ref('determination', DETERMINATION)}"
            + (f"，于{cn_date(review.on)}作出{inp.doc_ref('review_decision', '复核决定书')}"
               if review else "")
            + f"。依照{procedure_intro(inp.proc)}第二十条，现说明纠错事由、明确纠错事项，"
            "责成限期纠正。",
            heading("一、纠错事由"),
            f"{inp.subject}在{inp.case.matter}中的行政执法行为经认定为{_outcome(inp)}"
            + (f"，符合{items_refs(items)}规定的情形" if items else "") + "，需要纠错。",
            heading("二、纠错事项"),
            str(inp.data("items") or "") or "（见附件）",
            heading("三、纠错要求和期限"),
            f"请于{by}前{within}完成纠错整改。请认真分析原因、深刻汲取教训，完善制度、健全机制，"
            "防止类似错误再次发生（《办法》第二十条第二款）。",
            "因特殊情况难以在规定时间内完成的，可以申请延长整改期限（《办法》第二十条第二款）。"
            "本机构将跟踪了解整改情况（《办法》第二十一条）。",
        ),
        articles=("历城办法第二十一条",),
    )

"""The Guian documents (贵安办法第八条 with 第六、七、九至十三条), built from a case's steps.

第八条 is the procedure: an application during the investigation (（一）), a team that gathers
opinions, hears the applicant and makes the investigation report (（二）), a conclusion with a
preliminary opinion "报同级党委（党工委）研究批准，并反馈给申请单位或本人" (（三）) and, for a
免责、减责 conclusion approved, "及时通报组织（人事）部门及其他相关部门进行办理" (（四）).  So four
documents: the 请示 that carries the report and the conclusion to the committee (``conclude``),
the 认定决定书 that takes effect on the committee's approval (``approve``; the definition sets
the outcome only then), the 反馈书 to the applicant (``feed_back``) and the 通报 to the
organisation (personnel) departments (``notify_departments``).  The effects printed are 第九条's
(免于责任追究: four things not affected) and 第十条's (减责).  The builders add nothing the case
does not record; the source names no form for any of them (their wording is rongcuo's).
"""

from __future__ import annotations

from rongcuo.documents.builders.common import (
    BuildInput,
    as_items,
    builder,
    cite,
    heading,
    items_text,
    on_text,
    paragraphs,
    plain,
    procedure_intro,
)
from rongcuo.documents.model import Body, Paragraph, Party
from rongcuo.documents.text import cn_date, cn_numeral, item_ref, join_cn

REQUEST = "关于容错认定结论及初步意见的请示"
DETERMINATION = "容错认定决定书"
COMMITTEE = "同级党委（党工委）"  # 第八条第（三）项's own words: the case records no name
TOLERATED = ("exempted", "lighter", "mitigated")
FACTORS = (("nature", "问题性质"), ("timing", "时间节点"), ("motive", "目的动机"),
           ("cause", "产生原因"), ("consequence", "后果轻重"), ("procedure", "工作程序"),
           ("policy_basis", "政策法规"))
# 第九条: what an exemption leaves unaffected — （一） for a unit, （二）至（四） for a person
_NINE_UNIT = ("单位年度绩效目标考核、评优评先、党风廉政建设责任制考核等考核不受影响",)
_NINE_PERSON = ("干部提拔任用、职级职称晋升及工资、绩效、奖金不受影响",
                "推选党代表、人大代表、政协委员和后备干部资格不受影响",
                "个人评优评先不受影响")


def _refs(items: list[str]) -> str:
    """``6.4, 7.1 … 7.6`` → ``《办法》第六条第（四）项、第七条第（一）项至第（六）项``: the
    abbreviation once, an article's items once, a run of three or more as 至."""
    by_art: dict[str, list[int]] = {}
    for i in items:
        art, _, num = i.partition(".")
        by_art.setdefault(art, [])
        if num.isdigit():
            by_art[art].append(int(num))
    out = []
    for art, nums in by_art.items():
        head = item_ref(art)
        nums = sorted(set(nums))
        if not nums:
            out.append(head)
        elif len(nums) >= 3 and nums == list(range(nums[0], nums[-1] + 1)):
            out.append(f"{head}第（{cn_numeral(nums[0])}）项至第（{cn_numeral(nums[-1])}）项")
        else:
            out.append(head + "、".join(f"第（{cn_numeral(n)}）项" for n in nums))
    return "《办法》" + "、".join(out) if out else ""


def _parties(inp: BuildInput) -> tuple[Party, ...]:
    return (Party("容错对象", inp.subject), Party("调查机关", inp.agency))


def _heads(inp: BuildInput) -> tuple[Paragraph, ...]:
    kind = str(inp.fact("subject_kind") or "")
    return (plain(f"容错对象：{inp.subject}" + (f"（{kind}）" if kind else "")),
            plain(f"调查机关：{inp.agency}"),
            plain(f"工作和问题：{inp.case.matter}"))


def _split(items: list[str]) -> tuple[list[str], list[str], list[str]]:
    """(the 第六条 situations, the 第七条 conditions, the 第十一、十二条 exclusions)."""
    six = [i for i in items if i.startswith("6.")]
    seven = [i for i in items if i.startswith("7.")]
    return six, seven, [i for i in items if i.split(".")[0] in ("11", "12")]


def _finding(inp: BuildInput, outcome: str, items: list[str], unmet: list[str],
             no_situation: str) -> str:
    six, seven, excl = _split(items)
    s = inp.subject
    if outcome in TOLERATED:
        text = f"经认定，{s}的情形符合{items_text(inp.proc, six)}" if six else f"经认定，{s}"
        if seven:
            text += f"，同时具备{_refs(seven)}规定的条件"
        return text + "。"
    parts = []
    if no_situation:
        parts.append(f"不属于{cite('第六条')}规定的可以容错的情形（{no_situation}）")
    if unmet:
        parts.append(f"不具备{_refs(unmet)}规定的条件（{cite('第七条')}“必须同时具备”）")
    if excl:
        parts.append(f"属于{items_text(inp.proc, excl)}的情形")
    return f"经认定，{s}" + ("；".join(parts) or "不符合容错的情形和条件") + "。"


def _effects(inp: BuildInput, outcome: str) -> tuple[Paragraph, ...]:
    """第九条 (exempted: 第（一）项 for a unit, 第（二）项至第（四）项 for a person) or 第十条
    (lighter, mitigated), as numbered items."""
    if outcome == "exempted":
        unit = inp.fact("subject_kind") == "单位"
        effects = _NINE_UNIT if unit else _NINE_PERSON
        where = "第九条第（一）项" if unit else "第九条第（二）项至第（四）项"
        last = len(effects) - 1
        return tuple(Paragraph(f"（{cn_numeral(i + 1)}）{e}" + ("；" if i < last
                               else f"（{cite(where)}）。"), "item")
                     for i, e in enumerate(effects))
    if outcome in ("lighter", "mitigated"):
        return (Paragraph("确需追究责任的，根据有关规定可以减责，酌情从轻、减轻处分或组织处理。"
                          "有影响期的，影响期结束后提拔任用不受影响"
                          f"（{cite('第十条')}）。", "item"),)
    return ()


_DECISION = {
    "exempted": "对{s}予以容错，免于责任追究（{a}第二条、第九条）。按以下方式处理：",
    "lighter": "对{s}予以容错，从轻处理（{a}第二条、第十条）。",
    "mitigated": "对{s}予以容错，减轻处理（{a}第二条、第十条）。",
    "not_tolerated": "对{s}不予容错（{a}第七条、第八条第（三）项）。",
}


def _decision(inp: BuildInput, outcome: str) -> str:
    fallback = "认定结论：{s}" + inp.proc.outcome_label(outcome) + "。"
    return _DECISION.get(outcome, fallback).format(s=inp.subject, a="《办法》")


def _investigation(inp: BuildInput) -> str:
    at = inp.step.seq
    team = [s.data.get("member", "") + (f"（{s.data['role']}）" if s.data.get("role") else "")
            for s in inp.case.steps_of("assign_team_member", at=at)]
    opinions = inp.step_of("collect_opinions")
    heard = inp.step_of("hear_applicant")
    report = inp.step_of("submit_report")
    text = "本机构组成调查组" + (f"（成员：{join_cn(team)}）" if team else "")
    if opinions is not None:
        text += f"，全面收集了各方面的意见建议（{opinions.data.get('sources', '')}）"
    if heard is not None:
        ref = heard.data.get("record_ref")
        text += "，充分听取了申请人的解释和说明" + (f"（{ref}）" if ref else "")
    if report is not None:
        text += (f"，调查核实是否符合容错情形及容错必备条件，于{on_text(report)}形成调查报告"
                 f"（{report.data.get('report_ref', '')}）")
    return text + f"（{cite('第八条第（二）项')}）。"


def _application(inp: BuildInput) -> str:
    applied = inp.step_of("apply")
    opened = (f"{inp.agency}于{cn_date(inp.case.opened_on)}对{inp.subject}（{inp.case.matter}）"
              "启动问责调查。")
    if applied is None:
        return opened + f"依照{procedure_intro(inp.proc)}第八条办理。"
    claimed = as_items(applied.data.get("claimed_items"))
    return (opened + f"{applied.data.get('applicant', inp.subject)}于{on_text(applied)}在调查"
            f"期间依照{procedure_intro(inp.proc)}第八条第（一）项，向"
            f"{applied.data.get('received_by', '')}提出容错申请"
            + (f"，认为符合{_refs(claimed)}规定的情形" if claimed else "")
            + "，已纳入调查核实范围。")


@builder("guian.approval_request")
def approval_request(inp: BuildInput) -> Body:
    """请示 to the committee (第八条第（二）项 the report; 第（三）项 the conclusion, the
    preliminary opinion, 报同级党委（党工委）研究批准; 第十一条 the factors weighed)."""
    outcome = str(inp.data("outcome") or "")
    items = as_items(inp.data("items"))
    factors = [f"{label}：{inp.data(key)}" for key, label in FACTORS if inp.data(key)]
    return Body(
        addressees=(COMMITTEE,),
        parties=_parties(inp),
        articles=(inp.proc.outcome_article(outcome), "贵安办法第十一条"),
        paragraphs=paragraphs(
            _application(inp),
            heading("一、调查核实情况"),
            _investigation(inp),
            f"核实情况：{_report_findings(inp)}",
            heading("二、认定结论"),
            (f"综合考虑问题性质、时间节点、目的动机、产生原因、后果轻重、工作程序、政策法规等因素"
             f"（{cite('第十一条')}）：" + "；".join(factors) + "。") if factors else None,
            _finding(inp, outcome, items, as_items(inp.data("unmet_conditions")),
                     str(inp.data("no_situation") or "")),
            f"认定结论：{inp.proc.outcome_label(outcome)}。",
            heading("三、初步意见"),
            f"{inp.data('preliminary_opinion')}。",
            "以上认定结论和初步意见，依照《办法》第八条第（三）项报请研究批准。妥否，请批示。",
            "附件：调查报告",
        ),
    )


def _report_findings(inp: BuildInput) -> str:
    report = inp.step_of("submit_report")
    return str(report.data.get("findings", "")) if report else ""


def _approval(inp: BuildInput) -> tuple[str, str]:
    """(the approving body, the approval's date and minutes), from the approve step."""
    approved = inp.step_of("approve")
    if approved is None:
        return COMMITTEE, ""
    minutes = approved.data.get("minutes_ref")
    return (str(approved.data.get("approving_body") or COMMITTEE),
            on_text(approved) + (f"（{minutes}）" if minutes else ""))


@builder("guian.determination")
def determination(inp: BuildInput) -> Body:
    """容错认定决定书: what the committee approved, in effect from its approval (第八条第（三）项;
    第九条 or 第十条 its effects; 第八条第（三）项 publication; 第（四）项 the departments)."""
    outcome = str(inp.data("outcome") or inp.fact("outcome") or "")
    items = as_items(inp.data("items") or inp.fact("items"))
    concluded = inp.step_of("conclude")
    body, when = _approval(inp)
    tolerated = outcome in TOLERATED
    changed = bool(inp.data("changed"))
    return Body(
        parties=_parties(inp),
        articles=(inp.proc.outcome_article(outcome),),
        paragraphs=paragraphs(
            *_heads(inp),
            _application(inp),
            _investigation(inp),
            (f"本机构于{on_text(concluded)}作出认定结论，提出初步意见，以"
             f"{inp.doc_ref('approval_request', REQUEST)}报请{COMMITTEE}研究批准。" if concluded
             else None),
            f"经{body}于{when}研究批准" + ("（改变了初步意见）" if changed else "")
            + f"（{cite('第八条第（三）项')}），"
            + _finding(inp, outcome, items, as_items(inp.data("unmet_conditions")),
                       str(inp.data("no_situation") or "")).removeprefix("经认定，"),
            "现决定如下：",
            _decision(inp, outcome),
            *_effects(inp, outcome),
            (f"本决定在一定范围内公开（{cite('第八条第（三）项')}）。"
             if outcome == "exempted" else None),
            (f"本决定将及时通报组织（人事）部门及其他相关部门进行办理（{cite('第八条第（四）项')}）。"
             if tolerated else None),
            f"请{inp.subject}及时纠错，积极采取措施消除影响或挽回损失（{cite('第十三条')}）。",
            "本决定自批准之日起生效，并反馈申请单位或本人。",
        ),
    )


@builder("guian.feedback")
def feedback(inp: BuildInput) -> Body:
    """容错认定结果反馈书 to the applicant (第八条第（三）项 "并反馈给申请单位或本人")."""
    outcome = str(inp.fact("outcome") or "")
    items = as_items(inp.fact("items"))
    applied = inp.step_of("apply")
    approving, when = _approval(inp)
    to = str(inp.data("fed_back_to") or inp.subject)
    who = str(applied.data.get("applicant", inp.subject)) if applied else inp.subject
    return Body(
        addressees=(to,),
        parties=(Party("申请人", who), *_parties(inp)),
        articles=(inp.proc.outcome_article(outcome),),
        paragraphs=paragraphs(
            (f"{who}于{on_text(applied)}提出的容错申请" if applied else f"{inp.subject}的容错事项")
            + f"，经调查核实，本机构作出认定结论，报经{approving}于{when}研究批准，作出"
            f"{inp.doc_ref('determination', DETERMINATION)}。依照{procedure_intro(inp.proc)}"
            "第八条第（三）项，现将认定结果反馈如下：",
            f"认定结论：{inp.proc.outcome_label(outcome)}。"
            + (f"依据：{_refs(items)}。" if items else ""),
            _decision(inp, outcome),
            *_effects(inp, outcome),
            (f"属于免责的，将在一定范围内公开（{cite('第八条第（三）项')}）。"
             if outcome == "exempted" else None),
            "特此反馈。",
            f"附件：{DETERMINATION}",
        ),
    )


@builder("guian.department_notice")
def department_notice(inp: BuildInput) -> Body:
    """容错认定结果通报 to the organisation (personnel) departments and the others concerned
    (第八条第（四）项: 免责、减责结论 … 及时通报 … 进行办理; 第十六条第（三）项 their part)."""
    outcome = str(inp.fact("outcome") or "")
    items = as_items(inp.fact("items"))
    approving, when = _approval(inp)
    others = as_items(inp.data("other_departments"))
    return Body(
        addressees=(str(inp.data("organisation_department") or ""), *others),
        parties=_parties(inp),
        articles=(inp.proc.outcome_article(outcome), "贵安办法第十六条"),
        paragraphs=paragraphs(
            f"经{approving}于{when}研究批准，本机构对{inp.subject}（{inp.case.matter}）作出"
            f"{inp.doc_ref('determination', DETERMINATION)}。依照{procedure_intro(inp.proc)}"
            "第八条第（四）项，现将认定结论通报如下，请及时进行办理。",
            f"认定结论：{inp.proc.outcome_label(outcome)}"
            + (f"（{_refs(items)}）" if items else "") + "。",
            _decision(inp, outcome),
            *_effects(inp, outcome),
            "组织（人事）部门对符合容错情形的干部要及时予以容错，客观评价、宽容理解、大胆使用"
            f"（{cite('第十六条第（三）项')}）。",
            f"附件：{DETERMINATION}",
        ),
    )

"""案卷评查 — the evaluation rules of 蒲县评查制度: two evaluators (art. 7), the sample (art. 8).

The counting itself is :mod:`rongcuo.domain.scoring.rounds`; these are its guards, for the
evaluation's ``start_evaluation`` / ``sign`` steps and the round's ``conclude`` step.  The
evaluators are a list fact (``evaluators``, added by ``assign_evaluator``); the sampled files
are records in a list fact (``sampled_files``: each with ``unit`` and ``procedure``).
"""

from __future__ import annotations

from rongcuo.domain.messages import message
from rongcuo.domain.rules.base import GuardCall
from rongcuo.domain.rules.params import Param
from rongcuo.domain.rules.registry import rule
from rongcuo.domain.scoring.rounds import distinct, ordinary_counts

UNSIGNED = message(
    "guard.signatures",
    "评查表须由全部评查人签名：未签名 {missing}；非本案评查人 {strangers}",
    "every evaluator signs the form: unsigned {missing_en}; not an evaluator of this file "
    "{strangers_en}",
)
HEAD_IS_EVALUATOR = message(
    "guard.signatures/unit_head",
    "受查单位负责人（{head}）不能是本案评查人",
    "the evaluated unit's head ({head}) cannot be one of the evaluators",
)


@rule(
    "min_evaluators",
    params={"min": Param("int", required=True, doc="the fewest evaluators (art. 7: 2)"),
            "evaluators_fact": Param("fact", default="evaluators",
                                     doc="the fact listing the evaluators")},
    reads_data=False,
    refuses=("guard.min_evaluators",),
)
def min_evaluators(call: GuardCall) -> None:
    """评查人 — 案卷评查由 ``min`` 名以上评查人实施 (蒲县评查制度第七条 "行政执法案卷评查应当由
    二名以上评查人实施"; 以上 includes the number)."""
    need = int(call.param("min"))
    have = distinct(call.facts.get(call.param("evaluators_fact"), ()))
    if len(have) < need:
        call.refuse(
            "guard.min_evaluators",
            f"案卷评查应当由{need}名以上评查人实施（现有评查人 {len(have)} 名）",
            f"a case file is evaluated by at least {need} evaluators (now {len(have)})",
            evaluators=have,
        )
    call.seen["evaluators"] = have


@rule(
    "round_sample_size",
    params={"min": Param("int", default=5, doc="ordinary-procedure files per unit (art. 8: 5)"),
            "units_fact": Param("fact", default="units", doc="the fact listing the units"),
            "files_fact": Param("fact", default="sampled_files",
                                doc="the fact listing the sampled files (records)"),
            "reason_field": Param("field", default="fewer_reason",
                                  doc="the step's field giving the reason for fewer")},
    reads_data=True,
    refuses=("guard.round_sample_size",),
)
def round_sample_size(call: GuardCall) -> None:
    """抽取案卷 — 每个受查单位通常抽取普通程序行政处罚、行政强制案卷不少于 ``min`` 件 (蒲县评查制度
    第八条); "通常": fewer only with the reason recorded on the step."""
    need = int(call.param("min"))
    counts = ordinary_counts(call.facts.get(call.param("units_fact"), ()),
                             call.facts.get(call.param("files_fact"), ()))
    short = {u: n for u, n in counts.items() if n < need}
    reason = str(call.data.get(call.param("reason_field")) or "").strip()
    call.seen["sample"] = {"counts": counts, "min": need,
                           **({"fewer_reason": reason, "fewer": sorted(short)} if short else {})}
    if short and not reason:
        listed = "、".join(f"{u}（{n}件）" for u, n in short.items())
        listed_en = ", ".join(f"{u} ({n})" for u, n in short.items())
        call.refuse(
            "guard.round_sample_size",
            f"每个受查单位通常应抽取普通程序案卷不少于{need}件，{listed}不足；"
            "确因办结案件较少而不足的，须写明理由",
            f"each evaluated unit usually has at least {need} ordinary-procedure files "
            f"sampled; {listed_en} fall short — give the reason if the unit closed fewer",
            shortfalls=short,
        )


@rule(
    "evaluation_signed",
    params={"signatures_field": Param("field", default="evaluator_signatures",
                                      doc="the evaluators who signed (a list)"),
            "head_field": Param("field", default="unit_head",
                                doc="the evaluated unit's head who signed"),
            "evaluators_fact": Param("fact", default="evaluators",
                                     doc="the fact listing the evaluators")},
    reads_data=True,
    refuses=("guard.signatures",),
)
def evaluation_signed(call: GuardCall) -> None:
    """签名 — 评查表由评查人、受查单位负责人签名 (蒲县评查制度第十条): every evaluator assigned
    signs, nobody else signs as one, and the unit head who signs is not one of the evaluators
    (the evaluated unit signs for itself, C3)."""
    assigned = distinct(call.facts.get(call.param("evaluators_fact"), ()))
    signed = distinct(call.data.get(call.param("signatures_field")) or ())
    head = str(call.data.get(call.param("head_field")) or "").strip()
    missing = [n for n in assigned if n not in signed]
    strangers = [n for n in signed if n not in assigned]
    call.seen["signatures"] = {"evaluators": signed, "unit_head": head}
    if missing or strangers:
        zh, en = UNSIGNED.render({"missing": "、".join(missing) or "—",
                                  "strangers": "、".join(strangers) or "—",
                                  "missing_en": ", ".join(missing) or "-",
                                  "strangers_en": ", ".join(strangers) or "-"})
        call.refuse(UNSIGNED.code, zh, en, missing=missing, strangers=strangers)
    if head in assigned:
        zh, en = HEAD_IS_EVALUATOR.render({"head": head})
        call.refuse(HEAD_IS_EVALUATOR.code, zh, en, unit_head=head)

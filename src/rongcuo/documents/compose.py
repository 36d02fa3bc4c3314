"""Build one document of a case: the pure entry point the renderers and the wiring use.

:func:`build_document` finds the step that issues the kind (the last one so far, or the one
at ``seq``), refuses a document the case has not reached or to which it does not apply, runs
the kind's builder and puts the document's identity around the body: number (None: a draft),
issuer, 成文日期 (the step's business date), the articles (the kind's, then the builder's),
and the reference the PDF carries.
"""

from __future__ import annotations

from collections.abc import Mapping

from rongcuo.documents.builders import BUILDERS, BuildInput
from rongcuo.documents.delivery import Delivery
from rongcuo.documents.errors import DocumentError
from rongcuo.documents.integrity import document_reference
from rongcuo.documents.kinds import Catalogue, KindSpec
from rongcuo.documents.model import Body, Document
from rongcuo.documents.view import CaseView, Procedure, StepView
from rongcuo.domain.messages import message

MSG_DOCUMENT_NOT_YET = message(
    "document.not_yet",
    "案件 {number} 尚未“{label}”，还不能制作{title}",
    "case {number} has not reached {issued_by}: no {name} yet",
)

MSG_DOCUMENT_NOT_APPLICABLE = message(
    "document.not_applicable",
    "本案不需要制作{title}（条件：{value}）",
    "{name} does not apply to case {number} (needs one of: {value2})",
)

MSG_DOCUMENT_UNNUMBERED_KIND_COMPOSE = message(
    "document.unnumbered_kind/compose",
    "{title}不编发文字号",
    "{name} carries no number",
)

MSG_DOCUMENT_NUMBER_MISSING = message(
    "document.number_missing",
    "签发{title}须有发文字号",
    "an issued {name} needs its number",
)

MSG_DOCUMENT_NO_BUILDER = message(
    "document.no_builder",
    "没有“{title}”的制作程序",
    "no builder for {kind}",
)

MSG_DOCUMENT_WRONG_STEP = message(
    "document.wrong_step",
    "案件 {number} 的第 {seq} 步不是“{label}”，不能据此制作{title}",
    "step {seq} of case {number} is not {issued_by}: no {name} from it",
)


def _issuing_step(case: CaseView, proc: Procedure, spec: KindSpec,
                  seq: int | None) -> StepView:
    if seq is not None:
        try:
            step = case.at(seq)
        except KeyError:
            step = None
        if step is None or step.trigger != spec.issued_by:
            label = proc.triggers.get(spec.issued_by, (spec.issued_by, ""))[0]
            raise DocumentError.of(
                MSG_DOCUMENT_WRONG_STEP,
                number=case.number,
                seq=seq,
                label=label,
                title=spec.title,
                issued_by=spec.issued_by,
                name=spec.name,
            )
        return step
    found = case.step(spec.issued_by)
    if found is None:
        label, article = proc.triggers.get(spec.issued_by, (spec.issued_by, ""))
        raise DocumentError.of(
            MSG_DOCUMENT_NOT_YET,
            number=case.number,
            label=label,
            title=spec.title,
            issued_by=spec.issued_by,
            name=spec.name,
            article=article or None,
        )
    return found


def _merge(*groups: tuple[str, ...]) -> tuple[str, ...]:
    out: list[str] = []
    for g in groups:
        out += [a for a in g if a and a not in out]
    return tuple(out)


def build_document(
    catalogue: Catalogue,
    kind: str,
    case: CaseView,
    proc: Procedure,
    *,
    seq: int | None = None,
    number: str | None = None,
    issued: bool | None = None,
    delivery: Delivery | None = None,
    related: Mapping[str, str | None] | None = None,
) -> Document:
    """The ``kind`` document of ``case`` (the view as of the issuing step).

    ``number``: the 发文字号 allocated in the issuing step's transaction; ``issued`` (default:
    whether a number is given) — False renders a draft (草稿), which is never recorded."""
    spec = catalogue.kind(kind)
    step = _issuing_step(case, proc, spec, seq)
    if not spec.applies(case.facts):
        raise DocumentError.of(
            MSG_DOCUMENT_NOT_APPLICABLE,
            title=spec.title,
            value='或'.join(c.fact for c in spec.when),
            name=spec.name,
            number=case.number,
            value2=', '.join(c.fact for c in spec.when),
            article=spec.articles[0],
        )
    if number is not None and spec.number is None:
        raise DocumentError.of(
            MSG_DOCUMENT_UNNUMBERED_KIND_COMPOSE,
            title=spec.title,
            name=spec.name,
        )
    if issued and spec.number is not None and number is None:
        raise DocumentError.of(
            MSG_DOCUMENT_NUMBER_MISSING,
            title=spec.title,
            name=spec.name,
        )
    build = BUILDERS.get(f"{catalogue.workflow}.{kind}")
    if build is None:
        raise DocumentError.of(
            MSG_DOCUMENT_NO_BUILDER,
            title=spec.title,
            kind=kind,
        )
    issuer = catalogue.issuer.for_facts(case.facts)
    body: Body = build(BuildInput(case=case, proc=proc, spec=spec, step=step, issuer=issuer,
                                  delivery=delivery, related=dict(related or {})))
    body = Body(paragraphs=body.paragraphs, rows=body.rows, addressees=body.addressees,
                parties=body.parties, cc=body.cc, note=body.note,
                articles=_merge(spec.articles, body.articles))
    return Document(
        kind=kind, workflow_id=proc.id, workflow_title=proc.title, title=spec.title,
        layout=spec.layout, number=number, case_id=case.id, case_number=case.number,
        event_seq=step.seq, issued_on=step.on, issuer=issuer, body=body,
        reference=document_reference(case.id, step.seq, kind), facts=dict(case.facts),
        issued=number is not None if issued is None else issued,
    )

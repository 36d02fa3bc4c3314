"""The archived case file (案卷) as one document — pure.

Pu County's annex 3 (蒲政办发〔2022〕60号, 案卷归档, P6.1.1–P6.1.7) asks of a case file: one
case one file with a uniform cover (封面), a table of contents at the front (卷内目录) and a
remarks sheet at the back (备考表), every page numbered in Arabic numerals, the materials in
order (by time).  :func:`case_file_context` lays those parts out from today's export view
model (:func:`rongcuo.audit.export.build_case_file`, so the HTML case file and this PDF show
the same steps, deadlines and chain head) and the case's documents, in the order of the
steps that issued them.  Page numbers are the renderer's: the contents and the remarks sheet
read them from the laid-out pages (CSS ``target-counter``), never guessed here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from rongcuo.documents.model import Document
from rongcuo.documents.text import cn_date

TITLE = "容错纠错案卷"
ANNEX = "蒲县行政执法案卷评查制度（试行）附件3“案卷归档”"


def _cn(iso: str | None) -> str:
    return cn_date(date.fromisoformat(iso[:10])) if iso else ""


def _timeline(f: Mapping[str, Any]) -> dict[str, Any]:
    steps = [{
        "seq": s["seq"], "on_cn": _cn(s["on"]), "step_zh": s["step_zh"], "actor": s["actor"],
        "article": s["article"], "kind": s["kind"],
        "details": "；".join(f"{d['label']}：{d['value']}" for d in s["details"]),
    } for s in f["steps"]]
    deadlines = [{
        "label_zh": d["label_zh"], "started_on_cn": _cn(d["started_on"]),
        "due_cn": _cn(d["due"]) if d["due"] else "中止计时，暂无",
        "provisional": d["provisional"], "status_zh": d["status_zh"],
        "explanation_zh": d["explanation_zh"],
    } for d in f["deadlines"]]
    return {"steps": steps, "deadlines": deadlines}


def case_file_context(
    f: Mapping[str, Any],
    documents: Sequence[Document],
    *,
    matter: str,
    labels: Mapping[str, str],
    unit: str,
    filed_by: str,
    archived_on: date | None,
    reference: str = "",
) -> dict[str, Any]:
    """The context of ``case_file.html.j2``: cover, contents, documents, timeline, 备考表."""
    case = f["case"]
    docs = [{"anchor": f"doc-{i}", **d.context()} for i, d in enumerate(documents, 1)]
    toc = [{"n": i, "number": d["number"], "responsible": d["issuer"], "title": d["title"],
            "date_cn": d["issued_on_cn"], "anchor": d["anchor"],
            "note": "草稿" if d["is_draft"] else ""} for i, d in enumerate(docs, 1)]
    n = len(toc)
    toc.append({"n": n + 1, "number": "", "responsible": unit, "title": "办理经过及期限计算",
                "date_cn": _cn(f["generated_at"]), "anchor": "timeline", "note": ""})
    toc.append({"n": n + 2, "number": "", "responsible": unit, "title": "卷内备考表",
                "date_cn": cn_date(archived_on) if archived_on else "", "anchor": "remarks",
                "note": ""})
    integrity = f["integrity"]
    chain = {None: "未校验", True: "通过", False: "未通过"}[integrity["chain_ok"]]
    return {
        "title": TITLE,
        "case_number": case["number"],
        "cover": {
            "title": TITLE, "case_number": case["number"], "subject": case["subject"],
            "agency": case["agency"], "matter": matter,
            "subject_label": labels.get("subject", "容错纠错对象"),
            "agency_label": labels.get("agency", "行政执法机关"),
            "outcome_zh": case["outcome_zh"] or "尚未认定", "state_zh": case["state_zh"],
            "opened_on_cn": _cn(case["opened_on"]),
            "archived_on_cn": cn_date(archived_on) if archived_on else "",
            "unit": unit, "workflow_title": f["workflow"]["title"],
            "workflow_version": f["workflow"]["version"],
        },
        "toc": toc,
        "documents": docs,
        "timeline": _timeline(f),
        "remarks": {
            "documents": len(docs),
            "drafts": sum(1 for d in docs if d["is_draft"]),
            "events": integrity["events"], "head_seq": integrity["head_seq"],
            "head_hash": integrity["head_hash"] or "—", "chain": chain,
            "filed_by": filed_by,
            "archived_on_cn": cn_date(archived_on) if archived_on else "",
            "generated_at_cst": _cn(f["generated_at_cst"]) + f["generated_at_cst"][10:],
            "basis": f["workflow"]["archive_article"] or "",
            "annex": ANNEX,
        },
        "is_draft": any(d["is_draft"] for d in docs),
        "draft_mark": "草稿",
        "reference": reference,  # rongcuo.documents.integrity.document_reference(…, "case_file")
    }

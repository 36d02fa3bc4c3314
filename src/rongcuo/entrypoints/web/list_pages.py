"""案件列表: filters, sorting, pagination, and the filtered list as an Excel workbook."""

from __future__ import annotations

import io
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from openpyxl import Workbook
from openpyxl.styles import Font

from rongcuo.entrypoints.web import session as ws
from rongcuo.entrypoints.web.app import render, web_state
from rongcuo.entrypoints.web.i18n import fmt_date, t
from rongcuo.entrypoints.web.views import next_due, state_label
from rongcuo.service.case_list import SORT_KEYS, CasePage, ListQuery, case_page

router = APIRouter()
User = Annotated[ws.WebUser, Depends(ws.current_principal)]
FILTERS = ("workflow", "state", "agency", "q", "due_before", "overdue_as_of", "sort", "desc")


def _date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def list_query(params: dict[str, str], page: int = 1) -> ListQuery:
    return ListQuery(
        workflow_id=params.get("workflow") or None, state=params.get("state") or None,
        agency=params.get("agency") or None, text=(params.get("q") or "").strip() or None,
        due_before=_date(params.get("due_before")),
        overdue_as_of=_date(params.get("overdue_as_of")),
        sort=params.get("sort") or "opened_on", descending=params.get("desc") == "1",
        page=page)


def _params(request: Request) -> dict[str, str]:
    return {k: v for k in FILTERS if (v := request.query_params.get(k, ""))}


def _rows(result: CasePage, lang: str) -> list[dict[str, Any]]:
    rows = []
    for v in result.views:
        nd = next_due(v)
        rows.append({"view": v, "state": state_label(v, lang), "next": nd,
                     "late": nd is not None and (nd.status == "overdue" or nd.due < v.today),
                     "procedure": v.definition.title if v.definition else v.record.workflow_id})
    return rows


@router.get("/cases")
def case_list(request: Request, user: User, page: int = 1) -> Response:
    web = web_state(request)
    lang = ws.lang_of(request)
    params = _params(request)
    result = case_page(web.app, list_query(params, page), principal=user.principal)
    defs = {d.id: d for d in web.app.definitions}
    states = sorted({(s, d.states[s].label_zh if lang == "zh" else d.states[s].label_en)
                     for d in defs.values() for s in d.states})
    query = urlencode(params)
    return render(request, "cases.html", rows=_rows(result, lang), result=result,
                  params=params, definitions=list(defs.values()), states=states,
                  sort_keys=SORT_KEYS, query=query)


@router.get("/cases.xlsx")
def export(request: Request, user: User) -> Response:
    web = web_state(request)
    lang = ws.lang_of(request)
    result = case_page(web.app, list_query(_params(request)), everything=True,
                       principal=user.principal)
    wb = Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.title = "案件列表" if lang == "zh" else "cases"
    head = [t(k, lang) for k in ("case_number", "procedure", "subject", "agency", "opened_on",
                                 "state", "next_due")]
    sheet.append(head)
    for c in sheet[1]:
        c.font = Font(bold=True)
    for row in _rows(result, lang):
        v = row["view"]
        nd = row["next"]
        sheet.append([v.record.number, row["procedure"], v.record.subject, v.record.agency,
                      fmt_date(v.record.opened_on, lang), row["state"],
                      (f"{fmt_date(nd.due, lang)} {nd.label_zh if lang == 'zh' else nd.label_en}"
                       + ("（已逾期）" if row["late"] and lang == "zh" else
                          " (overdue)" if row["late"] else "")) if nd else ""])
    for col, width in zip("ABCDEFG", (26, 40, 16, 24, 16, 14, 30), strict=True):
        sheet.column_dimensions[col].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return Response(buf.getvalue(), media_type=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        headers={"Content-Disposition": "attachment; filename=cases.xlsx"})

"""The archived case file (案卷) of a stored case as one PDF, from today's export data.

The timeline, deadlines and chain head come from ``audit export``'s own view model (the JSON
format of :func:`rongcuo.audit.api.export_case`), so the HTML case file and this PDF cannot
disagree; the documents are the case's, in the order of their steps, each as of its step
(:mod:`rongcuo.adapters.documents.source`).  Read-only: a draft unless numbers are given.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rongcuo.adapters.documents import pdf as pdf_render
from rongcuo.adapters.documents.render import DocumentRenderer
from rongcuo.adapters.documents.source import StoredCaseDocuments, load_stored
from rongcuo.documents.casefile import case_file_context
from rongcuo.documents.integrity import document_reference
from rongcuo.documents.model import Document

if TYPE_CHECKING:
    from rongcuo.service.context import App

CASE_FILE = "case_file"
TEMPLATE = "case_file.html.j2"


def case_file_html(app: App, ref: str, *, now: datetime, unit: str | None = None,
                   numbers: Mapping[tuple[str, int], str] | None = None) -> tuple[str, list[Path]]:
    """The case file's HTML and the folders it may read from (for :func:`case_file_pdf`)."""
    from rongcuo.audit.api import export_case

    stored = load_stored(app, ref)
    renderer = DocumentRenderer(stored.definition, unit)
    docs = documents_of(stored, renderer, numbers)
    f = json.loads(export_case(app, stored.case.id, "json", now=now))
    last = stored.events[-1] if stored.events else None
    closed = bool(stored.case.closed and last is not None)
    ctx = case_file_context(
        f, docs, matter=str(stored.case.facts.get("matter") or ""),
        labels=stored.proc.party_labels,
        unit=renderer.catalogue.issuer.for_facts(stored.case.facts),
        filed_by=last.actor if closed and last else "",
        archived_on=date.fromisoformat(last.on) if closed and last else None,
        reference=document_reference(stored.case.id, stored.last_seq, CASE_FILE),
    )
    return renderer.html_template(TEMPLATE, ctx), renderer.roots()


def documents_of(stored: StoredCaseDocuments, renderer: DocumentRenderer,
                 numbers: Mapping[tuple[str, int], str] | None = None) -> list[Document]:
    """Every document the case's steps issued so far, in step order."""
    return [stored.document(renderer.catalogue, k.name, seq=s, numbers=numbers)
            for k, s in stored.issued_kinds(renderer.catalogue)]


def case_file_pdf(app: App, ref: str, *, now: datetime, unit: str | None = None,
                  numbers: Mapping[tuple[str, int], str] | None = None) -> bytes:
    """The archived case file of ``ref`` as PDF/A-2b bytes."""
    html, roots = case_file_html(app, ref, now=now, unit=unit, numbers=numbers)
    return pdf_render.html_to_pdf(html, roots)

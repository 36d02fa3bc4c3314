"""The archived case file (案卷) of a stored case as one PDF, and its issuing on archiving.

The timeline, deadlines and chain head come from ``audit export``'s own view model (the JSON
format of :func:`rongcuo.audit.api.export_case`, handed in as ``export`` by the caller — the
audit sits above the service layer), so the HTML case file and this PDF cannot disagree;
the documents are the case's, in the order of their steps, each as of its step
(:mod:`rongcuo.service.document_queries`), with the numbers they were issued with.

Issuing (:func:`issue_case_file`): when a step whose trigger names ``case_file`` in its
definition (Licheng ``archive``, 历城办法第十四条; Banan ``close``) has been committed, the case
file is rendered as of that step — ``generated_at`` is the step's own recorded instant, so
rendering the record again gives the same bytes — and its SHA-256 recorded in
``issued_documents`` (kind ``case_file``, the archiving step's seq) with the file kept under
``$RONGCUO_HOME/documents/``.  Its hash cannot be in the archiving step's event: the case
file prints that event and the chain head it makes.  Issuing twice gives the first file back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from rongcuo import logging as rlog
from rongcuo.adapters.documents import files
from rongcuo.adapters.documents import pdf as pdf_render
from rongcuo.adapters.documents.numbers import record_issued
from rongcuo.adapters.documents.render import DocumentRenderer
from rongcuo.documents.casefile import case_file_context
from rongcuo.documents.errors import DocumentError
from rongcuo.documents.integrity import IssuedDocument, document_reference, sha256_hex
from rongcuo.documents.kinds import CASE_FILE
from rongcuo.documents.model import Document
from rongcuo.domain.messages import message
from rongcuo.service.context import App
from rongcuo.service.document_queries import NOT_REPRODUCIBLE, StoredCaseDocuments, load_stored
from rongcuo.service.documents import renderer_for

Export = Callable[[str, datetime], Mapping[str, Any]]
"""``export(case_id, generated_at)``: the case's ``audit export`` view model (its JSON)."""

TEMPLATE = "case_file.html.j2"
log = rlog.get_logger("rongcuo.documents")

NOT_ARCHIVED = message(
    "document.case_file_not_archived",
    "案件 {case} 尚未归档，案卷还不能签发（可生成草稿）",
    "case {case} is not archived yet: its case file cannot be issued (a draft can be rendered)",
)


def archiving_seq(stored: StoredCaseDocuments) -> int | None:
    """The seq of the step that archived the case (its trigger names ``case_file``)."""
    for e in reversed(stored.events):
        spec = stored.definition.triggers.get(e.trigger)
        if spec is not None and CASE_FILE in (getattr(spec, "documents", ()) or ()):
            return e.seq
    return None


def documents_of(stored: StoredCaseDocuments, renderer: DocumentRenderer) -> list[Document]:
    """Every document the case's steps issued so far, in step order (with their numbers)."""
    return [stored.document(renderer.catalogue, k.name, seq=s)
            for k, s in stored.issued_kinds(renderer.catalogue)]


def case_file_html(app: App, ref: str, export: Export, *, now: datetime,
                   unit: str | None = None, stored: StoredCaseDocuments | None = None
                   ) -> tuple[str, list[Path]]:
    """The case file's HTML and the folders it may read from (for :func:`case_file_pdf`)."""
    stored = stored or load_stored(app, ref)
    renderer = renderer_for(stored.definition, unit)
    docs = documents_of(stored, renderer)
    f = dict(export(stored.case.id, now))
    last = stored.events[-1] if stored.events else None
    closed = bool(stored.case.state.closed and last is not None)
    facts = stored.case.state.facts
    ctx = case_file_context(
        f, docs, matter=str(facts.get("matter") or ""),
        labels=stored.proc.party_labels,
        unit=renderer.catalogue.issuer.for_facts(facts),
        filed_by=last.actor if closed and last else "",
        archived_on=last.on if closed and last else None,
        reference=document_reference(stored.case.id, stored.last_seq, CASE_FILE),
    )
    return renderer.html_template(TEMPLATE, ctx), renderer.roots()


def case_file_pdf(app: App, ref: str, export: Export, *, now: datetime,
                  unit: str | None = None, stored: StoredCaseDocuments | None = None) -> bytes:
    """The case file of ``ref`` as PDF/A-2b bytes (as the record stands now)."""
    html, roots = case_file_html(app, ref, export, now=now, unit=unit, stored=stored)
    return pdf_render.html_to_pdf(html, roots)


def issue_case_file(app: App, ref: str, export: Export) -> tuple[bytes, IssuedDocument]:
    """Issue the archived case's file (see the module docstring); the PDF and its record."""
    stored = load_stored(app, ref)
    rlog.bind(case_id=stored.case.id)
    seq = archiving_seq(stored)
    if seq is None or seq != stored.last_seq:
        raise DocumentError.of(NOT_ARCHIVED, case=stored.case.number)
    first = stored.issued_file(CASE_FILE, seq, "pdf")
    if first is not None:
        kept = files.read_file(stored.case.id, first.sha256, "pdf")
        if kept is not None:
            return kept, first
    at = stored.events[-1].recorded_at
    data = case_file_pdf(app, stored.case.id, export, now=at, stored=stored)
    if first is not None:  # the kept file is gone: the record renders it again, checked
        if sha256_hex(data) != first.sha256:
            raise DocumentError.of(NOT_REPRODUCIBLE, kind=CASE_FILE, case=stored.case.number,
                                   seq=seq)
        return data, first
    unit = renderer_for(stored.definition).catalogue.issuer.unit
    with app.unit_of_work() as uow:
        issued = record_issued(uow.conn, case_id=stored.case.id, case_number=stored.case.number,
                               event_seq=seq, kind=CASE_FILE, fmt="pdf", data=data, unit=unit,
                               issued_at=app.clock.now())
        files.store_file(stored.case.id, "pdf", data)
        uow.commit()
    log.info("documents.case_file_issued", seq=seq, bytes=len(data), sha256=issued.sha256)
    return data, issued


def archives(app: App, result: Any, trigger: str) -> bool:
    """Whether the committed step ``result`` (of ``trigger``) archived its case."""
    if result.replayed or result.record is None:
        return False
    definition = app.definition(result.record.workflow_id, result.record.workflow_version)
    spec = definition.triggers.get(trigger)
    return spec is not None and CASE_FILE in (getattr(spec, "documents", ()) or ())

"""A stored case's documents, read-only: list them, give one back, verify a presented file.

Each document is built from the case *as of the step that issued it*, replayed from its
events up to that step (a later review's ``correction_required`` never leaks into an earlier
decision).  An issued document (one with an ``issued_documents`` row) is given back as the
file kept when it was issued (``$RONGCUO_HOME/documents/``); if that file is gone, it is
re-rendered from the record — rendering is deterministic — and handed out only if its
SHA-256 is the recorded one.  A document no step has issued yet is a draft (草稿).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rongcuo import logging as rlog
from rongcuo.adapters.db.records import CaseRecord, StoredEvent
from rongcuo.adapters.documents import files
from rongcuo.adapters.documents.numbers import SqlDocumentLookup
from rongcuo.adapters.documents.render import DocumentRenderer
from rongcuo.documents.compose import build_document
from rongcuo.documents.errors import DocumentError
from rongcuo.documents.integrity import IssuedDocument, Verification, sha256_hex, verify_document
from rongcuo.documents.kinds import Catalogue, KindSpec, documents_for_step
from rongcuo.documents.model import Document
from rongcuo.documents.view import CaseView, DeadlineView, Procedure
from rongcuo.domain.messages import message
from rongcuo.service.context import App
from rongcuo.service.documents import renderer_for, step_view
from rongcuo.service.handlers.cases import load_case

log = rlog.get_logger("rongcuo.documents")

NOT_REPRODUCIBLE = message(
    "document.not_reproducible",
    "签发的{kind}（案件 {case}，第 {seq} 步）的文件不在本机，按记录重新生成的文件与签发时的 "
    "SHA-256 不一致（模板或字体已改变）；请从签发时保存的副本取用",
    "the issued {kind} (case {case}, step {seq}) is not kept here, and rendering it again from "
    "the record gives a different SHA-256 (the templates or fonts changed); use the copy "
    "kept when it was issued",
)


@dataclass
class StoredCaseDocuments:
    """One stored case with what its documents are built from."""

    case: CaseRecord
    events: list[StoredEvent]
    definition: Any
    engine: Any
    issued: list[IssuedDocument] = field(default_factory=list)
    proc: Procedure = field(init=False)
    _views: dict[int, CaseView] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self.proc = Procedure.from_definition(self.definition)

    @property
    def numbers(self) -> dict[tuple[str, int], str]:
        return {(d.kind, d.event_seq): d.number for d in self.issued if d.number}

    def view_as_of(self, seq: int) -> CaseView:
        """The case as it stood just after step ``seq`` (replayed from its events)."""
        if seq not in self._views:
            known = [e for e in self.events if e.seq <= seq]
            state = self.engine.replay(e.to_event() for e in known)
            deadlines = tuple(
                DeadlineView(d.timer, d.label_zh or d.timer, d.started_on, d.due, d.status)
                for d in self.engine.deadlines(state))
            c = self.case
            self._views[seq] = CaseView(
                id=c.id, number=c.number, workflow_id=c.workflow_id,
                workflow_version=c.workflow_version, subject=c.subject, agency=c.agency,
                opened_on=c.opened_on, facts=dict(state.facts), deadlines=deadlines,
                steps=tuple(step_view(e.seq, e.trigger, e.on, e.actor, e.article, e.data)
                            for e in known),
            )
        return self._views[seq]

    @property
    def last_seq(self) -> int:
        return self.events[-1].seq if self.events else 0

    def issued_kinds(self, catalogue: Catalogue) -> list[tuple[KindSpec, int]]:
        """Every (kind, step) the case's steps issue so far, in the order of the steps."""
        out: list[tuple[KindSpec, int]] = []
        for e in self.events:
            if any(k.issued_by == e.trigger for k in catalogue.kinds.values()):
                facts = self.view_as_of(e.seq).facts
                out += [(k, e.seq) for k in documents_for_step(catalogue, e.trigger, facts)]
        return out

    def issued_file(self, kind: str, seq: int, fmt: str) -> IssuedDocument | None:
        return next((d for d in self.issued if (d.kind, d.event_seq, d.format)
                     == (kind, seq, fmt)), None)

    def document(self, catalogue: Catalogue, kind: str, *, seq: int | None = None,
                 numbers: Mapping[tuple[str, int], str] | None = None) -> Document:
        """The ``kind`` document (at step ``seq``, default the last that issues it), with
        its number if it was issued (else a draft)."""
        spec = catalogue.kind(kind)
        if seq is None:
            seq = next((e.seq for e in reversed(self.events) if e.trigger == spec.issued_by),
                       self.last_seq)
        numbers = self.numbers if numbers is None else numbers
        related: dict[str, str | None] = {}
        for k, s in self.issued_kinds(catalogue):
            if s <= seq:
                related[k.name] = numbers.get((k.name, s))
        issued = self.issued_file(kind, seq, "pdf") is not None
        return build_document(catalogue, kind, self.view_as_of(seq), self.proc, seq=seq,
                              number=numbers.get((kind, seq)), issued=issued or None,
                              related=related)


def load_stored(app: App, ref: str) -> StoredCaseDocuments:
    """Case ``ref`` (id or number) with its events and its issued documents."""
    case = load_case(app, ref)
    with app.store.read() as conn:
        events = app.store.case_events_in(conn, case.id)
        issued = SqlDocumentLookup(conn).of_case(case.id)
    engine = app.engine_for(case.workflow_id, case.workflow_version)
    return StoredCaseDocuments(case, events, engine.definition, engine, issued)


@dataclass(frozen=True)
class ListedDocument:
    kind: str
    title: str
    seq: int
    on: date
    number: str | None
    issued: bool
    sha256: str | None


def list_documents(app: App, ref: str, unit: str | None = None
                   ) -> tuple[StoredCaseDocuments, list[ListedDocument]]:
    """The documents the case's steps issued so far, in step order."""
    stored = load_stored(app, ref)
    cat = renderer_for(stored.definition, unit).catalogue
    out = []
    for spec, seq in stored.issued_kinds(cat):
        pdf = stored.issued_file(spec.name, seq, "pdf")
        out.append(ListedDocument(spec.name, spec.title, seq, stored.view_as_of(seq).at(seq).on,
                                  pdf.number if pdf else None, pdf is not None,
                                  pdf.sha256 if pdf else None))
    return stored, out


def render_document(app: App, ref: str, kind: str, fmt: str, *, seq: int | None = None,
                    unit: str | None = None) -> tuple[bytes, IssuedDocument | None]:
    """The file of ``kind``: the issued one (kept, or re-rendered and checked against its
    recorded SHA-256), else a draft.  Returns the bytes and the issued record, if any."""
    stored = load_stored(app, ref)
    rlog.bind(case_id=stored.case.id)
    renderer: DocumentRenderer = renderer_for(stored.definition, unit)
    document = stored.document(renderer.catalogue, kind, seq=seq)
    record = stored.issued_file(kind, document.event_seq, fmt)
    if record is not None and unit is None:
        kept = files.read_file(stored.case.id, record.sha256, fmt)
        if kept is not None:
            return kept, record
    data = renderer.render(document, "pdf" if fmt == "pdf" else "docx").data
    if record is not None and unit is None and sha256_hex(data) != record.sha256:
        raise DocumentError.of(NOT_REPRODUCIBLE, kind=kind, case=stored.case.number,
                               seq=document.event_seq)
    return data, record


def check_templates(definition: Any, unit: str | None = None) -> list[Any]:
    """Every template of the definition's documents, both formats: found where, and the
    names it uses that a document's context does not have (``rongcuo doc templates``)."""
    from rongcuo.adapters.documents.templates import check_templates as check

    return list(check(definition, unit))


def verify_file(app: App, data: bytes) -> Verification:
    """Which issued document ``data`` is, or that it was altered, or never issued here."""
    with app.store.read() as conn:
        result = verify_document(data, SqlDocumentLookup(conn))
    log.info("documents.verify", status=result.status, sha256=result.sha256)
    return result


__all__ = ["ListedDocument", "StoredCaseDocuments", "list_documents", "load_stored",
           "render_document", "verify_file"]

"""Issuing a step's official documents inside the step's own unit of work.

A definition's trigger names the documents it issues (``documents:``, e.g. Licheng's
``determine: [determination, supervision_opinion]``, 历城办法第十七条、第十八条).  When such a
step is decided, :func:`issue_step_documents` — called by the handler inside the step's
:class:`~rongcuo.service.unit_of_work.UnitOfWork`, before the event is staged — does, in that
one transaction:

1. the kinds that apply (the catalogue's ``when``, on the facts after the step);
2. for each numbered kind, the 发文字号 drawn from its counter
   (:func:`~rongcuo.adapters.documents.numbers.next_document_number`; the year of the step's
   business date) — the counter row stays locked until COMMIT, and a step that rolls back
   gives its number back;
3. each document built from the case as decided (the events so far plus the new one), then
   rendered to PDF/A-2b and .docx (deterministic: the same record renders the same bytes);
4. ``{"documents": [{"kind", "number", "format", "sha256"}, …]}`` put into the step's event
   data, so the hash chain covers every issued file;
5. after the event is written and before COMMIT: one ``issued_documents`` row per file and
   the file itself under ``$RONGCUO_HOME/documents/<case>/<sha256>.<ext>``
   (:mod:`rongcuo.adapters.documents.files`).

A step whose trigger names no documents costs nothing here: no statement, no file read.
The archived case file (``case_file``) is not built here — it holds the whole record,
the archiving step's event included — see :mod:`rongcuo.audit.casefile`.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from rongcuo import logging as rlog
from rongcuo import paths
from rongcuo.adapters.db.records import CaseRecord, StoredEvent
from rongcuo.adapters.documents import files
from rongcuo.adapters.documents.numbers import issued_numbers, next_document_number, record_issued
from rongcuo.documents.integrity import sha256_hex
from rongcuo.documents.kinds import CASE_FILE, Catalogue, documents_for_step
from rongcuo.documents.view import CaseView, DeadlineView, Procedure, StepView
from rongcuo.domain.case import Command, Decision, Event
from rongcuo.domain.messages import message
from rongcuo.service.errors import StorageError

if TYPE_CHECKING:  # pragma: no cover
    from rongcuo.adapters.documents.render import DocumentRenderer

log = rlog.get_logger("rongcuo.documents")

UNWRITABLE = message(
    "document.unwritable",
    "无法保存签发的文书（{folder}）：{reason}；本步骤未记录，文号已退回",
    "cannot keep the issued documents ({folder}): {reason}; the step was not recorded and "
    "its numbers were given back",
)
FORMATS: tuple[str, ...] = ("pdf", "docx")
_renderers: dict[tuple[str, ...], DocumentRenderer] = {}
_lock = threading.Lock()


def renderer_for(definition: Any, unit: str | None = None) -> DocumentRenderer:
    """One renderer per (definition version, unit, data folder): the catalogue is read and the
    template environment built once per process."""
    key = (str(definition.id), str(definition.version), unit or "", str(paths.data_dir()),
           str(paths.workflows_dir()))
    from rongcuo.adapters.documents.render import DocumentRenderer  # Jinja2 on first use

    with _lock:
        r = _renderers.get(key)
        if r is None:
            r = _renderers[key] = DocumentRenderer(definition, unit)
        return r


def step_kinds(definition: Any, trigger: str) -> tuple[str, ...]:
    """The catalogue kinds ``trigger`` names (the case file left out)."""
    spec = definition.triggers.get(trigger)
    return tuple(k for k in (getattr(spec, "documents", ()) or ()) if k != CASE_FILE)


def prepare(definition: Any, trigger: str) -> None:
    """Before the step's transaction opens: read the catalogue and templates and warm the
    renderers when ``trigger`` issues documents (nothing otherwise), so the transaction
    holds its locks for the render itself, never for a process's cold start."""
    if step_kinds(definition, trigger):
        renderer_for(definition).warm()


def _json(data: Mapping[str, Any]) -> dict[str, Any]:
    """The event data as the store will give it back (dates as ISO text)."""
    out: dict[str, Any] = json.loads(json.dumps(dict(data), ensure_ascii=False, default=str))
    return out


def step_view(seq: int, trigger: str, on: date, actor: str, article: str,
              data: Mapping[str, Any]) -> StepView:
    return StepView(seq, trigger, on, actor, article, _json(data))


def case_view(case: CaseRecord, prior: Sequence[StoredEvent], decision: Decision,
              first_seq: int) -> CaseView:
    """The case as the step leaves it: its recorded steps, the new ones, the decided state."""
    steps = [step_view(e.seq, e.trigger, e.on, e.actor, e.article, e.data) for e in prior]
    steps += [step_view(first_seq + i, e.trigger, e.on, e.actor, e.article, e.data)
              for i, e in enumerate(decision.events)]
    state = decision.state
    return CaseView(
        id=case.id, number=case.number, workflow_id=state.workflow_id,
        workflow_version=state.workflow_version, subject=case.subject, agency=case.agency,
        opened_on=case.opened_on, facts=dict(state.facts), steps=tuple(steps),
        deadlines=tuple(DeadlineView(d.timer, d.label_zh or d.timer, d.started_on, d.due,
                                     d.status) for d in decision.deadlines),
    )


@dataclass(frozen=True)
class _File:
    kind: str
    fmt: str
    data: bytes
    number: str | None
    n: int | None
    counter: str | None
    year: int | None


def related_numbers(catalogue: Catalogue, recorded: Mapping[tuple[str, int], str],
                    seq: int) -> dict[str, str | None]:
    """``{kind: number}`` of the documents issued at or before step ``seq`` (the latest)."""
    out: dict[str, str | None] = {}
    for (kind, s), number in sorted(recorded.items(), key=lambda kv: kv[0][1]):
        if s <= seq and kind in catalogue.kinds:
            out[kind] = number
    return out


def issue_step_documents(uow: Any, engine: Any, case: CaseRecord, command: Command,
                         decision: Decision) -> Decision:
    """Number, build, render and stage the documents the step issues; the decision with
    their hashes in the step's event data (unchanged when the step issues none)."""
    definition = engine.definition
    names = step_kinds(definition, command.trigger)
    if not names:
        return decision
    index = next((i for i, e in enumerate(decision.events) if e.trigger == command.trigger), 0)
    seq = case.last_seq + 1 + index
    renderer = renderer_for(definition)
    catalogue = renderer.catalogue
    kinds = [k for k in documents_for_step(catalogue, command.trigger, decision.state.facts)
             if k.name in names]
    if not kinds:
        return decision
    conn: sa.Connection = uow.conn
    prior = uow.store.case_events_in(conn, case.id)
    recorded = dict(issued_numbers(conn, case.id))
    numbered: dict[str, tuple[int, str]] = {}
    for k in kinds:
        if k.number is not None:
            numbered[k.name] = next_document_number(conn, catalogue, k.name, command.on.year)
            recorded[(k.name, seq)] = numbered[k.name][1]
    view = case_view(case, prior, decision, case.last_seq + 1)
    proc = Procedure.from_definition(definition)
    related = related_numbers(catalogue, recorded, seq)
    out: list[_File] = []
    from rongcuo.documents.compose import build_document

    for k in kinds:
        n, number = numbered.get(k.name, (None, None))
        document = build_document(catalogue, k.name, view, proc, seq=seq, number=number,
                                  issued=True, related=related)
        for fmt in FORMATS:
            data = renderer.render(document, "pdf" if fmt == "pdf" else "docx").data
            out.append(_File(k.name, fmt, data, number, n,
                             k.counter if number else None, command.on.year if number else None))
    listed = [{"kind": f.kind, "number": f.number, "format": f.fmt,
               "sha256": sha256_hex(f.data)} for f in out]
    ev: Event = decision.events[index]
    events = list(decision.events)
    events[index] = replace(ev, data={**dict(ev.data), "documents": listed})
    unit = catalogue.issuer.unit
    issued_at = uow.clock.now()

    def write(conn: sa.Connection, _results: Any) -> None:
        for f in out:
            record_issued(conn, case_id=case.id, case_number=case.number, event_seq=seq,
                          kind=f.kind, fmt=f.fmt, data=f.data, unit=unit, issued_at=issued_at,
                          counter=f.counter, year=f.year, n=f.n, number=f.number)
            try:
                files.store_file(case.id, f.fmt, f.data)
            except OSError as exc:  # the step is rolled back with its numbers
                raise _unwritable(exc) from exc
        log.info("documents.issued", seq=seq, kinds=[k.name for k in kinds],
                 numbers=[x for x in (numbered[k][1] for k in numbered)])

    uow.after_write(write)
    return replace(decision, events=tuple(events))


def _unwritable(exc: OSError) -> StorageError:
    return StorageError.of(UNWRITABLE, folder=str(files.documents_dir()),
                           reason=exc.strerror or str(exc))


__all__ = ["FORMATS", "case_view", "issue_step_documents", "prepare", "related_numbers",
           "renderer_for", "step_kinds", "step_view"]

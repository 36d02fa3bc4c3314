"""A stored case's documents, read-only: the case as of each issuing step, replayed.

``rongcuo doc render`` and the archived case file read the store through the audit's
independent snapshot (:class:`rongcuo.audit.log.Snapshot`) and rebuild the case *as of the
step that issues the document* by replaying its events up to that step (the facts a later step
changed — a review's ``correction_required`` — must not leak into an earlier decision).
Nothing is written and no number is allocated: what this module builds is a draft unless the
caller passes the number it holds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from rongcuo.audit.log import LoggedEvent, Snapshot, StoredCase
from rongcuo.audit.replay import not_found
from rongcuo.documents.compose import build_document
from rongcuo.documents.kinds import Catalogue, KindSpec, documents_for_step
from rongcuo.documents.model import Document
from rongcuo.documents.view import CaseView, DeadlineView, Procedure, StepView


class CaseSource(Protocol):
    """What is read from the composition root (``rongcuo.bootstrap.App`` has it)."""

    @property
    def store(self) -> Any: ...

    def definition(self, workflow_id: str, version: str | None = None) -> Any: ...

    def engine_for(self, workflow_id: str, version: str | None = None) -> Any: ...


@dataclass
class StoredCaseDocuments:
    """One stored case with what its documents are built from."""

    case: StoredCase
    events: list[LoggedEvent]
    definition: Any
    engine: Any
    proc: Procedure = field(init=False)
    _views: dict[int, CaseView] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self.proc = Procedure.from_definition(self.definition)

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
                steps=tuple(StepView(e.seq, e.trigger, date.fromisoformat(e.on), e.actor,
                                     e.article, dict(e.data)) for e in known),
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

    def document(self, catalogue: Catalogue, kind: str, *, seq: int | None = None,
                 numbers: Mapping[tuple[str, int], str] | None = None) -> Document:
        """The ``kind`` document (at step ``seq``, default the last that issues it); a draft
        unless ``numbers`` holds its number (what the record of issued documents says)."""
        spec = catalogue.kind(kind)
        if seq is None:
            seq = next((e.seq for e in reversed(self.events) if e.trigger == spec.issued_by),
                       self.last_seq)
        numbers = numbers or {}
        related = {k.name: numbers.get((k.name, s)) for k, s in self.issued_kinds(catalogue)
                   if s <= seq}
        return build_document(catalogue, kind, self.view_as_of(seq), self.proc, seq=seq,
                              number=numbers.get((kind, seq)), related=related)


def load_stored(app: CaseSource, ref: str) -> StoredCaseDocuments:
    """Read case ``ref`` (id or number) in one read-only snapshot."""
    with Snapshot(app.store.engine) as snap:
        cid = snap.find_case_id(ref)
        if cid is None:
            raise not_found(ref)
        case = snap.cases(cid)[cid]
        events = snap.case_events(cid)
    definition = app.definition(case.workflow_id, case.workflow_version)
    return StoredCaseDocuments(case, events, definition,
                               app.engine_for(case.workflow_id, case.workflow_version))



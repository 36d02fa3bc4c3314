"""What ``audit verify`` reports: the first place each case's record breaks, and the totals."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Finding:
    """The first place one case's record breaks."""

    case_id: str
    code: str
    seq: int | None
    event_id: int | None
    message_zh: str
    message_en: str
    number: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "number": self.number,
            "code": self.code,
            "seq": self.seq,
            "event_id": self.event_id,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
        }

    def line(self, lang: str = "zh") -> str:
        """One line for a case worker: case number (id), where, code and message."""
        who = self.number or self.case_id
        where = f" seq={self.seq}" if self.seq is not None else ""
        where += f" id={self.event_id}" if self.event_id is not None else ""
        msg = self.message_zh if lang == "zh" else self.message_en
        return f"{who} ({self.case_id}){where}: [{self.code}] {msg}"


@dataclass
class VerifyReport:
    """The outcome of one verification: counts, time, broken cases, checkpoint and drift."""

    cases: int = 0
    events: int = 0
    seconds: float = 0.0
    findings: list[Finding] = field(default_factory=list)
    drift: list[dict[str, Any]] = field(default_factory=list)
    extra: list[dict[str, Any]] = field(default_factory=list)  # checkpoint problems
    extra_meta: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.findings and not self.extra

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "cases": self.cases,
            "events": self.events,
            "seconds": round(self.seconds, 3),
            "events_per_second": round(self.events / self.seconds) if self.seconds else None,
            "broken": [f.to_dict() for f in self.findings],
            "checkpoint": {**self.extra_meta, "problems": self.extra} if self.extra_meta else None,
            "drift": self.drift,
        }

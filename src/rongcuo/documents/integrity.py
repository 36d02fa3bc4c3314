"""Is this PDF one we issued, and unaltered? — pure over a lookup.

An issued PDF's SHA-256 is recorded with it (and, in the wiring phase, in the issuing step's
event, so in the case's hash chain).  Each PDF also carries a machine reference in its
metadata (``rongcuo-doc:<case id>:<event seq>:<kind>``, ASCII, in the PDF's keywords), so a
file whose hash is unknown can still be told apart:

* ``issued`` — the hash is recorded: the case, step and number are returned;
* ``altered`` — the hash is unknown but the file names a document that was issued (one
  changed byte is enough): the document it claims to be is returned, with its real hash;
* ``unknown`` — neither: never issued by this system (or its reference was destroyed too).

The reference is found in the raw bytes or inside any Flate-compressed stream (WeasyPrint
writes its metadata into compressed object streams), with :mod:`zlib` only.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

REF_PREFIX = "rongcuo-doc:"
_REF_RE = re.compile(rb"rongcuo-doc:([0-9A-Za-z_-]{1,64}):([0-9]{1,9}):([a-z_][a-z0-9_]{0,63})")
_STREAM_RE = re.compile(rb"stream\r?\n")


def document_reference(case_id: str, event_seq: int, kind: str) -> str:
    """The reference a document's PDF carries: ``rongcuo-doc:<case>:<seq>:<kind>``."""
    return f"{REF_PREFIX}{case_id}:{event_seq}:{kind}"


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class IssuedDocument:
    """One issued document as recorded (the ``issued_documents`` row)."""

    case_id: str
    case_number: str
    event_seq: int
    kind: str
    number: str | None
    sha256: str
    format: str
    issued_at: datetime


class DocumentLookup(Protocol):
    """What :func:`verify_document` asks of the record of issued documents."""

    def by_sha256(self, sha256: str) -> IssuedDocument | None: ...

    def by_reference(self, case_id: str, event_seq: int, kind: str) -> Sequence[IssuedDocument]:
        ...


@dataclass(frozen=True)
class Verification:
    status: Literal["issued", "altered", "unknown"]
    sha256: str
    document: IssuedDocument | None  # issued: the match; altered: what the file claims to be
    claimed: str | None  # the reference found in the file, if any

    @property
    def ok(self) -> bool:
        return self.status == "issued"

    def message(self, lang: str = "zh") -> str:
        d = self.document
        if self.status == "issued" and d is not None:
            num = d.number or "（无发文字号）"
            return (f"本系统签发的文书：案件 {d.case_number}，第 {d.event_seq} 步，"
                    f"{d.kind} {num}；SHA-256 {self.sha256}" if lang == "zh" else
                    f"issued by this system: case {d.case_number}, step {d.event_seq}, "
                    f"{d.kind} {d.number or '(no number)'}; SHA-256 {self.sha256}")
        if self.status == "altered" and d is not None:
            return (f"文件已被改动：它自称是案件 {d.case_number} 第 {d.event_seq} 步的 {d.kind}"
                    f"（{d.number or '无发文字号'}），但内容与签发时不一致"
                    f"（签发时 SHA-256 {d.sha256}，此文件 {self.sha256}）" if lang == "zh" else
                    f"ALTERED: it claims to be {d.kind} of case {d.case_number} step "
                    f"{d.event_seq} ({d.number or 'no number'}) but differs from the issued "
                    f"file (issued SHA-256 {d.sha256}, this file {self.sha256})")
        return ("本系统未签发过此文件（SHA-256 未登记，文件中也没有已签发文书的标识）"
                f"：{self.sha256}" if lang == "zh" else
                f"never issued by this system (unknown SHA-256, no reference to an issued "
                f"document): {self.sha256}")


def _streams(data: bytes) -> list[bytes]:
    """The decompressed content of every Flate stream that decompresses (others skipped)."""
    out = []
    for m in _STREAM_RE.finditer(data):
        end = data.find(b"endstream", m.end())
        if end < 0:
            break
        try:
            out.append(zlib.decompressobj().decompress(data[m.end():end]))
        except zlib.error:
            continue
    return out


def embedded_references(pdf: bytes) -> list[tuple[str, int, str]]:
    """Every ``(case id, event seq, kind)`` reference found in the file (first seen first)."""
    seen: list[tuple[str, int, str]] = []
    for chunk in (pdf, *_streams(pdf)):
        for m in _REF_RE.finditer(chunk):
            ref = (m.group(1).decode(), int(m.group(2)), m.group(3).decode())
            if ref not in seen:
                seen.append(ref)
    return seen


def verify_document(pdf: bytes, lookup: DocumentLookup) -> Verification:
    """Which issued document ``pdf`` is, or that it was altered, or never issued here."""
    digest = sha256_hex(pdf)
    found = lookup.by_sha256(digest)
    refs = embedded_references(pdf)
    claimed = document_reference(*refs[0]) if refs else None
    if found is not None:
        return Verification("issued", digest, found, claimed)
    for case_id, seq, kind in refs:
        issued = [d for d in lookup.by_reference(case_id, seq, kind) if d.format == "pdf"]
        if issued:
            return Verification("altered", digest, issued[0], document_reference(case_id, seq,
                                                                                  kind))
    return Verification("unknown", digest, None, claimed)

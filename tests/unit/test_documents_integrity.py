"""verify_document: which issued document a PDF is, or that it was altered, or never issued
here — pure over a lookup."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from datetime import UTC, datetime

from rongcuo.documents.integrity import (
    IssuedDocument,
    document_reference,
    embedded_references,
    sha256_hex,
    verify_document,
)

AT = datetime(2025, 11, 5, 2, tzinfo=UTC)


class Lookup:
    def __init__(self, docs: Sequence[IssuedDocument]) -> None:
        self.docs = list(docs)

    def by_sha256(self, sha256: str) -> IssuedDocument | None:
        return next((d for d in self.docs if d.sha256 == sha256), None)

    def by_reference(self, case_id: str, event_seq: int, kind: str) -> list[IssuedDocument]:
        return [d for d in self.docs if (d.case_id, d.event_seq, d.kind) ==
                (case_id, event_seq, kind)]


def _pdf(ref: str, body: bytes = b"BT (x) Tj ET") -> bytes:
    """A PDF-like file whose reference sits in a compressed stream, as WeasyPrint writes it."""
    stream = zlib.compress(b"<</Keywords (" + ref.encode() + b")>>")
    return b"%PDF-1.7\n1 0 obj\n<<>>\nstream\n" + stream + b"\nendstream\n" + body


def _issued(pdf: bytes) -> IssuedDocument:
    return IssuedDocument("abc123", "历城容错〔2025〕1号", 8, "determination",
                          "济历城监容〔2025〕3号", sha256_hex(pdf), "pdf", AT)


def test_an_issued_pdf_is_recognised_with_its_case_step_and_number() -> None:
    """The SHA-256 is recorded: the case, step and 发文字号 are named."""
    pdf = _pdf(document_reference("abc123", 8, "determination"))
    v = verify_document(pdf, Lookup([_issued(pdf)]))
    assert v.status == "issued" and v.document is not None
    assert v.document.number == "济历城监容〔2025〕3号" and "历城容错〔2025〕1号" in v.message()


def test_one_changed_byte_is_reported_as_altered_naming_the_document_it_claims_to_be() -> None:
    """A byte changed outside the reference: the hash is unknown but the file names an issued
    document — 'altered', with the real hash to compare."""
    pdf = _pdf(document_reference("abc123", 8, "determination"))
    changed = pdf[:-2] + bytes([pdf[-2] ^ 1]) + pdf[-1:]
    v = verify_document(changed, Lookup([_issued(pdf)]))
    assert v.status == "altered" and v.document is not None
    assert v.document.sha256 == sha256_hex(pdf) != v.sha256
    assert "已被改动" in v.message("zh") and "ALTERED" in v.message("en")


def test_a_file_naming_nothing_issued_was_never_issued_here() -> None:
    """No recorded hash and no reference to an issued document: 'unknown'."""
    issued = _pdf(document_reference("abc123", 8, "determination"))
    other = _pdf(document_reference("zzz999", 3, "notice"))
    assert verify_document(other, Lookup([_issued(issued)])).status == "unknown"
    assert verify_document(b"%PDF-1.4 nothing", Lookup([])).status == "unknown"
    assert embedded_references(other) == [("zzz999", 3, "notice")]

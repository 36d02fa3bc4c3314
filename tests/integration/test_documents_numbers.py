"""Document numbers and the record of issued documents (revision ``0004_documents``), on
SQLite and PostgreSQL: numbers per unit, counter and year, consecutive, given back by a
rolled-back step, distinct across two processes; the record insert-only; an issued PDF
verified, a changed one caught."""

from __future__ import annotations

import multiprocessing as mp
import time
from datetime import UTC, date, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from rongcuo.adapters.db import migrate
from rongcuo.adapters.db import synthetic as syn
from rongcuo.adapters.db.engine import make_engine
from rongcuo.adapters.db.store import Store
from rongcuo.adapters.documents.numbers import (
    SqlDocumentLookup,
    allocate_document_number,
    issued_numbers,
    next_document_number,
    record_issued,
)
from rongcuo.adapters.documents.templates import load_catalogue
from rongcuo.documents.integrity import document_reference, verify_document
from rongcuo.testing.workflows import shipped_definition

AT = datetime(2025, 11, 5, 2, tzinfo=UTC)


def _engine(url: str) -> sa.Engine:
    engine = make_engine(url)
    migrate.upgrade(engine)
    return engine


def _case(engine: sa.Engine) -> tuple[str, str]:
    cid = syn.open_case(Store(engine), date(2025, 9, 30), AT)
    with engine.connect() as conn:
        number = conn.execute(sa.text("SELECT number FROM cases WHERE id = :i"), {"i": cid})
        return cid, str(number.scalar_one())


def test_upgrading_from_the_previous_head_adds_the_document_tables(db_url: str) -> None:
    """0003_scheduler_nodes (the previous head) → 0004_documents keeps recorded cases and
    adds both tables."""
    engine = make_engine(db_url)
    migrate.upgrade(engine, "0003_scheduler_nodes")
    cid = "c-before-documents"
    with engine.begin() as conn:  # a case row as that revision stores it (today's store
        # writes columns later revisions add)
        conn.execute(sa.text(
            "INSERT INTO cases (id, number, workflow_id, workflow_version, subject, agency, "
            "opened_on, state, facts, timers, last_on, closed, version, last_seq, last_hash, "
            "created_at, updated_at) VALUES (:id, '历城容错〔2025〕1号', 'licheng', '2025.1', "
            "'张某', '局', :d, 'filed', '{}', '{}', :d, false, 1, 1, :h, :at, :at)"),
            {"id": cid, "d": date(2025, 9, 30), "h": "0" * 64, "at": AT})
    migrate.upgrade(engine, "0004_documents")
    names = set(sa.inspect(engine).get_table_names())
    assert {"document_counters", "issued_documents"} <= names
    with engine.connect() as conn:
        kept = conn.execute(sa.text("SELECT id FROM cases")).scalars().all()
    assert kept == [cid]
    migrate.downgrade(engine, "0003_scheduler_nodes")
    assert "issued_documents" not in set(sa.inspect(engine).get_table_names())


def test_numbers_run_from_one_per_unit_counter_and_year(db_url: str) -> None:
    """1, 2, 3 … per (unit, counter, year); another kind, unit or year starts again at 1."""
    engine = _engine(db_url)
    with engine.begin() as conn:
        got = [allocate_document_number(conn, "licheng", "determination", 2025) for _ in range(3)]
        assert got == [1, 2, 3]
        assert allocate_document_number(conn, "licheng", "notice", 2025) == 1
        assert allocate_document_number(conn, "banan", "determination", 2025) == 1
        assert allocate_document_number(conn, "licheng", "determination", 2026) == 1
        cat = load_catalogue(shipped_definition("licheng"))
        assert next_document_number(conn, cat, "determination", 2025) == (
            4, "济历城监容〔2025〕4号")


def test_a_rolled_back_step_gives_its_number_back(db_url: str) -> None:
    """Allocated in the issuing step's transaction: if the step fails, no number is skipped."""
    engine = _engine(db_url)
    with engine.begin() as conn:
        assert allocate_document_number(conn, "licheng", "determination", 2025) == 1
    with pytest.raises(RuntimeError), engine.begin() as conn:
        assert allocate_document_number(conn, "licheng", "determination", 2025) == 2
        raise RuntimeError("the step was refused after the number was drawn")
    with engine.begin() as conn:
        assert allocate_document_number(conn, "licheng", "determination", 2025) == 2


def test_the_record_of_issued_documents_is_insert_only(db_url: str) -> None:
    """Like the event log: an issued document cannot be edited or deleted in the database."""
    engine = _engine(db_url)
    cid, number = _case(engine)
    with engine.begin() as conn:
        record_issued(conn, case_id=cid, case_number=number, event_seq=1, kind="determination",
                      fmt="pdf", data=b"%PDF-1 x", unit="licheng", issued_at=AT)
    for stmt in ("UPDATE issued_documents SET number = 'x'", "DELETE FROM issued_documents"):
        with pytest.raises(sa.exc.DBAPIError, match="insert-only"), engine.begin() as conn:
            conn.execute(sa.text(stmt))
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM issued_documents")).scalar_one() == 1


def test_one_number_is_never_recorded_twice(db_url: str) -> None:
    """uq_issued_number: the same number of the same counter cannot be issued twice."""
    engine = _engine(db_url)
    cid, number = _case(engine)
    row = {"case_id": cid, "case_number": number, "kind": "determination", "fmt": "pdf",
           "unit": "licheng", "issued_at": AT, "counter": "determination", "year": 2025,
           "n": 1, "number": "济历城监容〔2025〕1号"}
    with engine.begin() as conn:
        record_issued(conn, event_seq=1, data=b"%PDF a", **row)
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        record_issued(conn, event_seq=2, data=b"%PDF b", **row)


def test_verify_document_accepts_the_issued_pdf_and_catches_one_changed_byte(db_url: str) -> None:
    """``verify_document`` over the stored record: the issued file names its case, step and
    number; one byte changed is 'altered'; another file is 'unknown'."""
    import zlib

    engine = _engine(db_url)
    cid, number = _case(engine)
    ref = document_reference(cid, 1, "determination")
    pdf = (b"%PDF-1.7\nstream\n" + zlib.compress(f"<</Keywords ({ref})>>".encode())
           + b"\nendstream\n% body")
    with engine.begin() as conn:
        record_issued(conn, case_id=cid, case_number=number, event_seq=1, kind="determination",
                      fmt="pdf", data=pdf, unit="licheng", issued_at=AT, counter="determination",
                      year=2025, n=1, number="济历城监容〔2025〕1号")
    with engine.connect() as conn:
        lookup = SqlDocumentLookup(conn)
        ok = verify_document(pdf, lookup)
        assert ok.status == "issued" and ok.document is not None
        assert (ok.document.case_number, ok.document.event_seq, ok.document.number) == (
            number, 1, "济历城监容〔2025〕1号")
        assert verify_document(pdf[:-1] + b"X", lookup).status == "altered"
        assert verify_document(b"%PDF-1.7 other", lookup).status == "unknown"
        assert issued_numbers(conn, cid) == {("determination", 1): "济历城监容〔2025〕1号"}


def _issue_many(url: str, case_id: str, case_number: str, worker: int, count: int,
                barrier: Any, out: Any) -> None:
    """One process: ``count`` issuing transactions, each drawing a number, holding it while
    the document is 'rendered', then recording it — as the unit of work will."""
    engine = make_engine(url, null_pool=True)
    barrier.wait()
    got = []
    for i in range(count):
        with engine.begin() as conn:
            n = allocate_document_number(conn, "licheng", "determination", 2025)
            time.sleep(0.005)  # the render between drawing and recording
            record_issued(conn, case_id=case_id, case_number=case_number,
                          event_seq=worker * 1000 + i, kind="determination", fmt="pdf",
                          data=f"{worker}-{i}".encode(), unit="licheng", issued_at=AT,
                          counter="determination", year=2025, n=n,
                          number=f"济历城监容〔2025〕{n}号")
        got.append(n)
    engine.dispose()
    out.put(got)


@pytest.mark.postgres
def test_two_processes_issuing_at_once_get_distinct_consecutive_numbers(pg_url: str) -> None:
    """Two processes issue 25 determinations each at the same time on PostgreSQL: the 50
    numbers are exactly 1…50, each once, and each process's own numbers rise."""
    engine = _engine(pg_url)
    cid, number = _case(engine)
    engine.dispose()
    ctx = mp.get_context("spawn")
    barrier, out = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=_issue_many, args=(pg_url, cid, number, w, 25, barrier, out))
             for w in (1, 2)]
    for p in procs:
        p.start()
    results = [out.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    assert sorted(results[0] + results[1]) == list(range(1, 51))
    assert all(r == sorted(r) for r in results) and all(len(r) == 25 for r in results)
    with make_engine(pg_url).connect() as conn:
        stored = conn.execute(sa.text("SELECT n FROM issued_documents ORDER BY n")).scalars()
        assert list(stored) == list(range(1, 51))

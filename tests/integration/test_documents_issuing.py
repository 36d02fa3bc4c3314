"""Issuing inside the step's transaction, on SQLite and PostgreSQL: the step that issues a
document draws its number, renders it, puts the files' SHA-256 into its own event (so into
the hash chain), records and keeps the files — or, rolled back, gives its number back.  Then
``doc list`` / ``doc render`` give the issued files back and ``audit verify-document`` tells
an issued PDF from one with a byte changed (历城办法第十七条至第二十条)."""

from __future__ import annotations

import stat
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from rongcuo.adapters.documents import files
from rongcuo.documents.errors import DocumentError
from rongcuo.documents.integrity import sha256_hex
from rongcuo.entrypoints.cli.main import cli
from rongcuo.service import handlers
from rongcuo.service.commands import FireStep, OpenCase
from rongcuo.service.context import App
from rongcuo.service.document_queries import list_documents, render_document
from tests.support.walks import cst_morning

UNTIL_DETERMINED: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("file", "2025-09-02", {}),
    ("assign_investigator", "2025-09-03", {"investigator": "李四"}),
    ("assign_investigator", "2025-09-03", {"investigator": "王五"}),
    ("start_verification", "2025-09-04", {}),
    ("hear_statement", "2025-09-10", {}),
)
DETERMINE = ("determine", "2025-09-15",
             {"outcome": "exempted", "items": ["10.2"], "correction_required": True})


def walk(app: App, clock: Any, steps: Any = UNTIL_DETERMINED, subject: str = "张三") -> str:
    clock.set(cst_morning("2025-09-01"))
    res = handlers.open_case(app, OpenCase(
        workflow_id="licheng", subject=subject, agency="区综合行政执法局",
        on=date(2025, 9, 1), actor="监督科", data={"matter": "占道经营处罚"}))
    for trigger, on, data in steps:
        clock.set(cst_morning(on))
        handlers.fire(app, FireStep(res.case_id, trigger, on=date.fromisoformat(on),
                                    actor="监督科", data=data))
    return str(res.case_id)


def _rows(app: App, cid: str) -> list[Any]:
    with app.store.engine.connect() as conn:
        return list(conn.execute(sa.text(
            "SELECT event_seq, kind, format, number, n, sha256 FROM issued_documents "
            "WHERE case_id = :c ORDER BY id"), {"c": cid}))


def test_the_issuing_step_carries_its_documents_hashes_in_the_chain(app: App, clock: Any) -> None:
    """第十七条 认定: the determination and the 监督意见书 (第十八条) get 济历城监容〔2025〕1号 and
    济历城监意〔2025〕1号 in the step's transaction; the event lists each file's SHA-256, the
    rows and the kept files (0600 in 0700 folders) hold the same bytes; the chain verifies."""
    cid = walk(app, clock, (*UNTIL_DETERMINED, DETERMINE))
    events = app.store.case_events(cid)
    det = next(e for e in events if e.trigger == "determine")
    listed = det.data["documents"]
    assert [(d["kind"], d["format"], d["number"]) for d in listed] == [
        ("determination", "pdf", "济历城监容〔2025〕1号"),
        ("determination", "docx", "济历城监容〔2025〕1号"),
        ("supervision_opinion", "pdf", "济历城监意〔2025〕1号"),
        ("supervision_opinion", "docx", "济历城监意〔2025〕1号")]
    rows = [r for r in _rows(app, cid) if r[0] == det.seq]
    assert [(r[1], r[2], r[5]) for r in rows] == [(d["kind"], d["format"], d["sha256"])
                                                  for d in listed]
    for d in listed:
        path = files.file_path(cid, d["sha256"], d["format"])
        assert sha256_hex(path.read_bytes()) == d["sha256"]
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    # steps that issue nothing carry no documents key
    assert all("documents" not in e.data for e in events if e.trigger in
               ("assign_investigator", "start_verification", "hear_statement"))
    from rongcuo.audit.api import verify

    assert verify(app, case=cid, drift=False).ok


def test_a_step_that_fails_to_issue_is_not_recorded_and_gives_its_number_back(
    app: App, clock: Any, tmp_path: Path,
) -> None:
    """A determination whose template cannot be filled is refused after its number was drawn:
    nothing is recorded (no event, no row, the counter unmoved), and the next determination
    of the unit is 1 again — never reused, never skipped silently."""
    import os

    home = Path(os.environ["RONGCUO_HOME"])
    first = walk(app, clock)
    own = home / "templates" / "licheng" / "licheng"
    own.mkdir(parents=True)
    (own / "determination.html.j2").write_text("{{ no_such_field }}", encoding="utf-8")
    from rongcuo.service import documents as svc_documents

    svc_documents._renderers.clear()
    clock.set(cst_morning(DETERMINE[1]))
    with pytest.raises(DocumentError) as info:
        handlers.fire(app, FireStep(first, DETERMINE[0], on=date.fromisoformat(DETERMINE[1]),
                                    actor="监督科", data=DETERMINE[2]))
    assert info.value.code == "document.template_error"
    assert app.store.load_case(first).state.state == "verifying"
    assert [r for r in _rows(app, first) if r[1] == "determination"] == []
    with app.store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM document_counters "
                                    "WHERE counter = 'determination'")).scalar_one() == 0
    (own / "determination.html.j2").unlink()
    svc_documents._renderers.clear()
    handlers.fire(app, FireStep(first, DETERMINE[0], on=date.fromisoformat(DETERMINE[1]),
                                actor="监督科", data=DETERMINE[2]))
    second = walk(app, clock, (*UNTIL_DETERMINED, DETERMINE), subject="赵六")
    numbers = {cid: [r[3] for r in _rows(app, cid) if r[1] == "determination"]
               for cid in (first, second)}
    assert numbers == {first: ["济历城监容〔2025〕1号"] * 2, second: ["济历城监容〔2025〕2号"] * 2}


def test_doc_list_and_render_give_the_issued_files_back(app: App, clock: Any,
                                                        tmp_path: Path) -> None:
    """``doc list`` shows each issued document with its number; ``doc render`` writes the
    file the step issued — the kept one, or, that one gone, the record rendered again, which
    gives the same bytes (checked against the recorded SHA-256)."""
    cid = walk(app, clock, (*UNTIL_DETERMINED, DETERMINE))
    _, docs = list_documents(app, cid)
    assert [(d.kind, d.number, d.issued) for d in docs] == [
        ("filing_approval", None, True), ("determination", "济历城监容〔2025〕1号", True),
        ("supervision_opinion", "济历城监意〔2025〕1号", True)]
    out = tmp_path / "det.pdf"
    r = CliRunner().invoke(cli, ["doc", "render", cid, "determination", "--format", "pdf",
                                 "--out", str(out), "--db", app.database_url])
    assert r.exit_code == 0, r.output
    assert "济历城监容〔2025〕1号" in r.output
    issued = next(d for d in docs if d.kind == "determination")
    assert sha256_hex(out.read_bytes()) == issued.sha256
    files.file_path(cid, str(issued.sha256), "pdf").unlink()
    again, record = render_document(app, cid, "determination", "pdf")
    assert record is not None and sha256_hex(again) == issued.sha256
    listed = CliRunner().invoke(cli, ["doc", "list", cid, "--db", app.database_url])
    assert listed.exit_code == 0 and "济历城监意〔2025〕1号" in listed.output


def test_verify_document_accepts_an_issued_pdf_and_rejects_one_changed_byte(
    app: App, clock: Any, tmp_path: Path,
) -> None:
    """``audit verify-document``: exit 0 naming the case, step and number for the issued
    PDF; exit 6 for the same file with one byte changed (altered) and for a file this system
    never issued (unknown)."""
    cid = walk(app, clock, (*UNTIL_DETERMINED, DETERMINE))
    data, record = render_document(app, cid, "determination", "pdf")
    assert record is not None
    good, bad, other = tmp_path / "good.pdf", tmp_path / "bad.pdf", tmp_path / "other.pdf"
    good.write_bytes(data)
    changed = bytearray(data)
    changed[len(changed) // 2] ^= 0x01
    bad.write_bytes(bytes(changed))
    other.write_bytes(b"%PDF-1.7\n% not ours\n")
    run = CliRunner().invoke
    ok = run(cli, ["audit", "verify-document", str(good), "--db", app.database_url])
    assert ok.exit_code == 0, ok.output
    number = app.store.load_case(cid).number
    assert number in ok.output and "济历城监容〔2025〕1号" in ok.output
    assert f"第 {record.event_seq} 步" in ok.output
    altered = run(cli, ["audit", "verify-document", str(bad), "--json", "--db",
                        app.database_url])
    assert altered.exit_code == 6 and '"status": "altered"' in altered.output
    assert record.sha256 in altered.output
    unknown = run(cli, ["audit", "verify-document", str(other), "--db", app.database_url])
    assert unknown.exit_code == 6 and "未签发" in unknown.output


DUTY = ("determine", "2025-09-15",
        {"outcome": "duty_fulfilled", "items": ["9.1"], "correction_required": False})


def _determine_many(url: str, count: int, barrier: Any, out: Any) -> None:
    """One process: ``count`` Licheng cases walked to verification, then — both processes at
    once — each determined through the service (the number drawn in the step's transaction)."""
    from rongcuo.bootstrap import bootstrap
    from rongcuo.clock import FixedClock

    clock = FixedClock(cst_morning("2025-09-01"))
    app = bootstrap(url, clock=clock)
    cases = [walk(app, clock, subject=f"当事人{i}") for i in range(count)]
    clock.set(cst_morning(DUTY[1]))
    barrier.wait()
    got = []
    for cid in cases:
        r = handlers.fire(app, FireStep(cid, DUTY[0], on=date.fromisoformat(DUTY[1]),
                                        actor="监督科", data=DUTY[2]))
        doc = next(d for d in r.events[-1].data["documents"] if d["format"] == "pdf")
        got.append(int(doc["number"].split("〕")[1].rstrip("号")))
    app.close()
    out.put(got)


@pytest.mark.postgres
def test_two_processes_determining_at_once_get_distinct_consecutive_numbers(
    pg_url: str,
) -> None:
    """Two processes determine four cases each at the same moment on PostgreSQL (第十七条): the
    eight 认定决定书 carry 济历城监容〔2025〕1号 … 8号, each once, each process's rising."""
    import multiprocessing as mp

    from rongcuo.bootstrap import bootstrap
    from rongcuo.clock import FixedClock

    bootstrap(pg_url, clock=FixedClock(cst_morning("2025-09-01")), migrate=True).close()
    ctx = mp.get_context("spawn")
    barrier, out = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=_determine_many, args=(pg_url, 4, barrier, out))
             for _ in range(2)]
    for p in procs:
        p.start()
    results = [out.get(timeout=300) for _ in procs]
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    assert sorted(results[0] + results[1]) == list(range(1, 9))
    assert all(r == sorted(r) for r in results)

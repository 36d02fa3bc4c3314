"""Benchmark of document rendering: PDFs per second for a determination and a 40-page case file.

Run: ``python benchmarks/bench_documents.py [--repeat 5] [--pages 40]``.  Prints figures;
asserts nothing.  A Licheng case is walked through the real service into a temporary SQLite
database (历城办法第十三条至第二十条, with a review); then, on one core:

* the 认定决定书 (2 pages): HTML from its template, then PDF/A-2b with WeasyPrint — and the
  same document as .docx with docxtpl, for comparison;
* the archived case file (cover, 卷内目录, documents, timeline, 备考表), its documents repeated
  until it has at least ``--pages`` pages, rendered from the context in one WeasyPrint pass;
* a whole issuing step through the service — ``determine`` numbering, rendering and recording
  the 认定决定书 and the 监督意见书 in both formats in its transaction — against a step that
  issues nothing (``hear_statement``), each on fresh cases.

Each figure is the median of ``--repeat`` timed runs after one warm-up (fonts loaded), with the
fastest and slowest, and the CPU time of this process (what the render costs regardless of
what else the shared machine runs).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.support.document_walks: the same walk the tests render

NOW = datetime(2026, 1, 5, 2, tzinfo=UTC)


Timed = tuple[list[float], list[float]]  # wall seconds, CPU seconds of this process


def _timed(fn: Callable[[], object], repeat: int) -> Timed:
    fn()  # warm-up: fonts, templates, subsetting code paths
    wall, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return wall, cpu


def _line(name: str, timed: Timed, per: str = "PDF") -> float:
    """Print wall-clock and CPU figures; return the median wall time."""
    wall, cpu = timed
    med, cmed = statistics.median(wall), statistics.median(cpu)
    print(f"{name:<40} {1 / med:>6.2f} {per}/s wall (median {med * 1000:.0f} ms, min "
          f"{min(wall) * 1000:.0f}, max {max(wall) * 1000:.0f}); {1 / cmed:>6.2f} {per}/s "
          f"per CPU-second ({cmed * 1000:.0f} ms)")
    return med


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--pages", type=int, default=40)
    args = ap.parse_args()
    logging.getLogger("weasyprint").setLevel(logging.ERROR)

    from tests.support.document_walks import walk_licheng_full

    from rongcuo.adapters.documents import pdf as pdf_render
    from rongcuo.adapters.documents.render import DocumentRenderer
    from rongcuo.audit.api import export_case
    from rongcuo.bootstrap import bootstrap
    from rongcuo.clock import FixedClock
    from rongcuo.documents.casefile import case_file_context
    from rongcuo.service.document_queries import load_stored

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["RONGCUO_HOME"] = str(Path(tmp) / "home")
        clock = FixedClock(NOW)
        app = bootstrap(database_url=f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", clock=clock,
                        migrate=True)
        import structlog

        structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.ERROR))
        cid = walk_licheng_full(app, clock)
        stored = load_stored(app, cid)
        renderer = DocumentRenderer(stored.definition)
        det = stored.document(renderer.catalogue, "determination")
        roots = renderer.roots()
        html = renderer.html(det)
        det_pdf = pdf_render.html_to_pdf(html, roots)

        print(f"determination: {len(det_pdf):,} bytes; machine load "
              f"{os.getloadavg()[0]:.1f} (1 min) on {os.cpu_count()} CPUs")
        _line("determination: HTML + PDF/A-2b", _timed(lambda: renderer.pdf(det), args.repeat))
        _line("determination: PDF/A-2b from ready HTML",
              _timed(lambda: pdf_render.html_to_pdf(html, roots), args.repeat))
        _line("determination: plain PDF (no PDF/A)",
              _timed(lambda: pdf_render.html_to_pdf(html, roots, variant=None), args.repeat))
        _line("determination: .docx (docxtpl)", _timed(lambda: renderer.docx(det), args.repeat),
              per="docx")

        docs = [stored.document(renderer.catalogue, k.name, seq=s)
                for k, s in stored.issued_kinds(renderer.catalogue)]
        f = json.loads(export_case(app, cid, "json", now=NOW))

        def case_file_html(copies: int) -> str:
            ctx = case_file_context(f, docs * copies, matter="占道经营处罚",
                                    labels=stored.proc.party_labels,
                                    unit=renderer.catalogue.issuer.name,
                                    filed_by="监督科王科长", archived_on=None)
            return renderer.html_template("case_file.html.j2", ctx)

        copies, pages = 1, 0
        while True:
            weasy = pdf_render._weasy()
            cf_html = case_file_html(copies)
            pages = len(weasy.HTML(string=cf_html).render().pages)
            if pages >= args.pages:
                break
            copies += 1
        print(f"case file: {len(docs) * copies} documents, {pages} pages")
        med = _line(f"case file ({pages} pages): PDF/A-2b",
                    _timed(lambda: pdf_render.html_to_pdf(cf_html, roots), args.repeat))
        print(f"{'':<40} {pages / med:>6.1f} pages/s wall")
        _issuing_steps(app, clock, args.repeat)
        app.close()


def _issuing_steps(app: object, clock: object, repeat: int) -> None:
    """Median wall and CPU time of one ``determine`` (4 files issued) and one step without
    documents, each fired on ``repeat`` fresh cases after one warm-up case."""
    from datetime import date

    from tests.support.walks import cst_morning

    from rongcuo.service import handlers
    from rongcuo.service.commands import FireStep, OpenCase

    steps = (("file", "2025-09-02", {}), ("assign_investigator", "2025-09-03",
             {"investigator": "李四"}), ("assign_investigator", "2025-09-03",
             {"investigator": "王五"}), ("start_verification", "2025-09-04", {}))
    timed: dict[str, tuple[list[float], list[float]]] = {"hear_statement": ([], []),
                                                         "determine": ([], [])}
    for i in range(repeat + 1):
        clock.set(cst_morning("2025-09-01"))  # type: ignore[attr-defined]
        cid = handlers.open_case(app, OpenCase(  # type: ignore[arg-type]
            workflow_id="licheng", subject=f"张{i}", agency="区综合行政执法局",
            on=date(2025, 9, 1), actor="监督科", data={"matter": "占道经营处罚"})).case_id
        for trigger, on, data in steps:
            clock.set(cst_morning(on))  # type: ignore[attr-defined]
            handlers.fire(app, FireStep(cid, trigger, on=date.fromisoformat(on),  # type: ignore[arg-type]
                                        actor="监督科", data=data))
        for trigger, on, data in (("hear_statement", "2025-09-10", {}), (
                "determine", "2025-09-15", {"outcome": "exempted", "items": ["10.2"],
                                            "correction_required": True})):
            clock.set(cst_morning(on))  # type: ignore[attr-defined]
            t0, c0 = time.perf_counter(), time.process_time()
            handlers.fire(app, FireStep(cid, trigger, on=date.fromisoformat(on),  # type: ignore[arg-type]
                                        actor="监督科", data=data))
            if i:  # the first case warms up
                timed[trigger][0].append(time.perf_counter() - t0)
                timed[trigger][1].append(time.process_time() - c0)
    _line("step without documents (hear_statement)", timed["hear_statement"], per="step")
    _line("determine: 2 documents × 2 formats issued", timed["determine"], per="step")


if __name__ == "__main__":
    main()

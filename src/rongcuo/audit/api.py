"""The audit operations over a bootstrapped :class:`~rongcuo.bootstrap.App` (the CLI is a
thin layer over these; tests call them directly too)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rongcuo import logging as rlog
from rongcuo.audit import checkpoint as cp
from rongcuo.audit.log import CaseRange, Snapshot
from rongcuo.audit.replay import Replayed, not_found, replay_case, replay_events
from rongcuo.audit.verify import VerifyReport, gc_paused, verify_log

if TYPE_CHECKING:
    from rongcuo.service.context import App

log = rlog.get_logger("rongcuo.audit")


PARALLEL_FROM_CASES = 10_000


def default_workers(app: App) -> int:
    """All CPUs for a large log (forking costs ~0.1 s, worth it from ~10,000 cases), else 1."""
    import os

    with Snapshot(app.store.engine) as snap:
        n = snap.case_count()
    return max(1, os.cpu_count() or 1) if n >= PARALLEL_FROM_CASES else 1


def _warm(app: App) -> None:
    """Load the definitions and the calendar before forking, so workers share them."""
    _ = app.definitions, app.calendar


def _engine_for(app: App) -> Any:
    return lambda wid, ver: app.engine_for(wid, ver)


def replay(app: App, ref: str, as_of: datetime | None = None) -> Replayed:
    """Rebuild one case from its events as the system knew it at ``as_of``."""
    with Snapshot(app.store.engine) as snap:
        r = replay_case(snap, ref, _engine_for(app), as_of)
    rlog.bind(case_id=r.case.id)
    log.info("audit.replay", events=len(r.events), as_of=str(as_of) if as_of else None)
    return r


_FORK_APP: Any = None  # the App a forked verification worker inherits


def _verify_range(args: tuple[CaseRange, bool]) -> VerifyReport:
    """One worker: verify the cases whose id falls in ``rng`` in its own snapshot (each case
    lies wholly in one range, so per-case consistency holds)."""
    from rongcuo.adapters.db.engine import make_engine

    rng, replay = args
    app = _FORK_APP
    app.store.engine.dispose(close=False)  # the parent's pooled connections stay the parent's
    engine = make_engine(app.database_url, null_pool=True)  # never reuse the parent's sockets
    try:
        with gc_paused(), Snapshot(engine) as snap:
            return verify_log(
                snap.iter_events(case_range=rng), snap.cases(case_range=rng),
                # the deadline rows matter only to the replay comparison
                snap.deadlines_raw(case_range=rng) if replay else {}, _engine_for(app),
                replay=replay, events_of=snap.case_events_upto,
            )
    finally:
        engine.dispose()


def _ranges(ids: list[str], n: int) -> list[CaseRange]:
    """``n`` contiguous case-id ranges of about equal case counts, covering every id (also
    ids of events whose case row is missing)."""
    bounds = [ids[len(ids) * k // n] for k in range(1, n)] if ids else []
    bounds = sorted(set(bounds))
    edges: list[str | None] = [None, *bounds, None]
    return [(edges[i], edges[i + 1]) for i in range(len(edges) - 1)]


def _verify_parallel(app: App, workers: int, replay: bool) -> VerifyReport:
    import multiprocessing as mp
    import time

    global _FORK_APP
    t0 = time.perf_counter()
    with Snapshot(app.store.engine) as snap:
        ids = snap.case_ids()
    ranges = _ranges(ids, workers)
    _FORK_APP = app
    try:
        ctx = mp.get_context("fork")
        with ctx.Pool(len(ranges)) as pool:
            parts = pool.map(_verify_range, [(r, replay) for r in ranges])
    finally:
        _FORK_APP = None
    findings = sorted(
        (f for p in parts for f in p.findings), key=lambda f: (f.number or "", f.case_id)
    )
    return VerifyReport(
        cases=sum(p.cases for p in parts), events=sum(p.events for p in parts),
        seconds=time.perf_counter() - t0, findings=findings,
    )


def verify(
    app: App,
    *,
    case: str | None = None,
    against: Path | None = None,
    pubkey: Path | None = None,
    drift: bool = True,
    workers: int = 1,
    replay: bool = True,
) -> VerifyReport:
    """Verify every case (or one): chain, ``seq``, replay against the stored rows; optionally
    that the log still extends a signed checkpoint; and report definition drift.

    ``workers`` > 1 splits the cases into that many id ranges verified by forked processes,
    each in its own read snapshot (a case never spans two ranges).  ``replay=False`` is the
    fast integrity pass (chain, ``seq``, the case rows' heads, the checkpoint) without the
    replay comparison."""
    parallel = case is None and workers > 1
    if parallel:
        _warm(app)
        report = _verify_parallel(app, workers, replay)
    with Snapshot(app.store.engine) as snap:
        only = None
        if case is not None:
            only = snap.find_case_id(case)
            if only is None:
                raise not_found(case)
        if not parallel:
            with gc_paused():
                report = verify_log(
                    snap.iter_events(case_id=only),
                    snap.cases(only),
                    snap.deadlines_raw(only) if replay else {},
                    _engine_for(app),
                    only=only,
                    replay=replay,
                    events_of=snap.case_events_upto,
                )
        if against is not None:
            doc = cp.parse_checkpoint(against.read_bytes(), str(against))
            pub = cp.load_public_key(pubkey) if pubkey else None
            problems = cp.check_signature(doc, pub)
            hashes = snap.hashes()
            problems += cp.check_extends(
                doc, lambda c, s: hashes.get((c, s)), snap.cases_with_events_up_to
            )
            report.extra = [p.to_dict() for p in problems]
            report.extra_meta = {
                "checkpoint": str(against),
                "taken_at": doc.get("taken_at"),
                "signer_fingerprint": (doc.get("signature") or {}).get("fingerprint"),
                "key_checked": pub is not None,
            }
        if drift:
            from rongcuo.audit.drift import find_drift

            report.drift = find_drift(app, snap, only=only)
    log.info(
        "audit.verify", cases=report.cases, events=report.events, ok=report.ok,
        broken=len(report.findings),
    )
    return report


def take_checkpoint(app: App, key_path: Path, at: datetime) -> dict[str, Any]:
    """A signed digest of the whole log as it stands (per-case heads and a global head)."""
    key = cp.load_private_key(key_path)
    with Snapshot(app.store.engine) as snap:
        heads, max_id = snap.heads()
    doc = cp.make_checkpoint(
        [cp.CaseHead(c, s, h) for c, s, h in heads], max_id, at, key
    )
    log.info("audit.checkpoint", cases=len(heads), max_event_id=max_id)
    return doc


def export_case(
    app: App, ref: str, fmt: str, *, now: datetime, as_of: datetime | None = None
) -> str:
    """The case file (JSON or HTML) in Chinese, replayed from the log."""
    from rongcuo.audit.export import build_case_file, render_html, render_json
    from rongcuo.audit.verify import Verifier

    with Snapshot(app.store.engine) as snap:
        cid = snap.find_case_id(ref)
        if cid is None:
            raise not_found(ref)
        case = snap.cases(cid)[cid]
        events = snap.case_events(cid)
    v = Verifier(None, replay=False)
    for ev in events:
        v.feed(ev)
    chain_ok = not v.findings
    r = replay_events(case, events, _engine_for(app), as_of)
    definition = app.definition(case.workflow_id, case.workflow_version)
    cf = build_case_file(
        case, r.events, r.deadlines, definition, generated_at=now, as_of=as_of,
        state=r.state.state if r.state else None, chain_ok=chain_ok, case_state=r.state,
    )
    rlog.bind(case_id=cid)
    log.info("audit.export", format=fmt, events=len(r.events))
    return render_html(cf) if fmt == "html" else render_json(cf)

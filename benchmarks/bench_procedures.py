"""Benchmark of the Guian and audit-bureau steps and of the reporters' vault (prints figures;
not a test).

    python benchmarks/bench_procedures.py [--cases 500]

* µs per transition over complete Guian cases (15 steps, with the art. 7 conditions checked
  three times and the art. 12 rule over a context of earlier decisions) and audit-bureau cases
  (5 steps, the seven looks as records), in memory, as ``bench_engine.py`` measures Licheng;
* µs to seal and store one reporter identity (AES-256-GCM, one INSERT) and to read it back,
  on an in-memory SQLite database.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

import sqlalchemy as sa

from rongcuo.adapters.db.tables import metadata
from rongcuo.adapters.reporters.vault import load_key, reveal_identity, store_identity
from rongcuo.domain.case import Command
from rongcuo.domain.engine import Engine
from rongcuo.testing.workflows import shipped_calendar, shipped_definition

ALL_7 = "7.1,7.2,7.3,7.4,7.5,7.6"
FACTORS = {k: "x" for k in ("nature", "timing", "motive", "cause", "consequence",
                            "procedure", "policy_basis")}
LOOKS = {"motive": "出以公心", "timing": "明令禁止前实施", "direction": "符合决策部署",
         "procedure": "履行程序", "cause": "无心过失", "consequence": "轻微负面影响",
         "handling": "积极主动消除影响挽回损失"}


def _c(trigger: str, on: str, **data: str) -> Command:
    return Command(trigger, date.fromisoformat(on), "bench", data)


def guian_walk(i: int) -> list[Command]:
    items = f"6.4,{ALL_7}"
    return [
        _c("open", "2026-02-10", subject=f"王{i}", subject_kind="个人", agency="纪工委",
           matter="m", matter_key=f"项目{i}"),
        _c("apply", "2026-02-12", applicant="王", received_by="纪检监察机关"),
        _c("assign_team_member", "2026-02-12", member="张"),
        _c("collect_opinions", "2026-02-13", sources="s"),
        _c("hear_applicant", "2026-02-13"),
        _c("submit_report", "2026-02-24", report_ref="r", findings="f"),
        _c("conclude", "2026-02-26", outcome="exempted", items=items, preliminary_opinion="p",
           **FACTORS),
        _c("approve", "2026-03-02", outcome="exempted", items=items, approving_body="党工委",
           minutes_ref="m"),
        _c("feed_back", "2026-03-03", fed_back_to="王"),
        _c("publish", "2026-03-04", scope="s"),
        _c("notify_departments", "2026-03-04", organisation_department="政治部"),
        _c("decide_correction", "2026-03-05", deciding_body="党工委", measure="责令改正",
           requirements="r"),
        _c("return_visit", "2026-04-30", findings="f"),
        _c("complete_correction", "2026-05-06", completion="c"),
        _c("publish_correction", "2026-05-07", scope="s"),
    ]


def audit_walk(i: int) -> list[Command]:
    return [
        _c("open", "2026-02-12", subject=f"李{i}", agency="审计局", matter="m"),
        _c("start_deliberation", "2026-02-24", meeting_on="2026-02-24"),
        _c("assess_seven_looks", "2026-02-26", **LOOKS,
           **{f"{k}_reason": "r" for k in LOOKS}),
        _c("determine", "2026-03-02", outcome="exempted", items="9.1,8.1,8.2,8.3,8.4,8.5,8.6",
           minutes_ref="m"),
        _c("close", "2026-03-03"),
    ]


def per_step(eng: Engine, walks: list[list[Command]]) -> float:
    context = {"prior_tolerances": [
        {"case_id": f"c{k}", "subject": f"其他{k}", "matter": f"项目{k}", "outcome": "exempted",
         "decided_on": "2026-01-05", "workflow": "guian"} for k in range(20)]}
    steps = 0
    t0 = time.perf_counter()
    for walk in walks:
        state = eng.open(walk[0], context).state
        for c in walk[1:]:
            state = eng.decide(state, c, context).state
        steps += len(walk)
    return (time.perf_counter() - t0) / steps * 1e6


def vault(n: int) -> tuple[float, float]:
    engine = sa.create_engine("sqlite://")
    metadata.create_all(engine, tables=[t for t in metadata.sorted_tables
                                        if t.name in ("cases", "reporters")])
    key = load_key(Path(tempfile.mkdtemp()) / "reporter.key")
    at = datetime(2026, 3, 2, tzinfo=UTC)
    with engine.begin() as conn:
        t0 = time.perf_counter()
        for i in range(n):
            store_identity(conn, key, ref=f"rpt-{i}", case_id="c", report_id=f"XF-{i}",
                           identity=f"周晓梅{i}，电话13900001111", at=at)
        seal = (time.perf_counter() - t0) / n * 1e6
        t0 = time.perf_counter()
        for i in range(n):
            reveal_identity(conn, key, case_id="c", report_id=f"XF-{i}")
        read = (time.perf_counter() - t0) / n * 1e6
    return seal, read


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=500)
    n = ap.parse_args().cases
    cal = shipped_calendar()
    g = per_step(Engine(shipped_definition("guian"), cal), [guian_walk(i) for i in range(n)])
    a = per_step(Engine(shipped_definition("audit_bureau"), cal),
                 [audit_walk(i) for i in range(n)])
    seal, read = vault(n * 4)
    print(f"guian: {g:.1f} µs per step over {n} cases of 15 steps (20 prior decisions in context)")
    print(f"audit_bureau: {a:.1f} µs per step over {n} cases of 5 steps")
    print(f"reporter vault: seal + INSERT {seal:.1f} µs, SELECT + open {read:.1f} µs "
          f"({n * 4} identities, SQLite in memory)")


if __name__ == "__main__":
    main()

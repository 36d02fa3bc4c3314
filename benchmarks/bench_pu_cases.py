"""Benchmark of Pu County's case definitions (prints figures; not a test).

    python benchmarks/bench_pu_cases.py [--cases 500]

The cost of one transition (guards, the event, the fold and every deadline of the case) over
complete cases: a case-file evaluation with four deductions and the computed ``score`` step
(annex 3, the standard loaded once as the service does), signed and rectified — 12 commands;
and a daily assessment with its 7-day filing timer — 9 commands.  The score step alone is
printed too.  Compare with ``benchmarks/bench_engine.py`` (Licheng, target under 50 µs).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from rongcuo import paths
from rongcuo.definitions.catalogues import load_catalogues
from rongcuo.domain.case import Command
from rongcuo.domain.engine import Engine
from rongcuo.testing.workflows import shipped_calendar, shipped_definition

DEDUCTIONS = (("P2.2.4", "r"), ("P2.5.2", "r"), ("P1.1.4", "r"), ("P2.2.1", "r"))


def _at(start: date) -> Callable[..., Command]:
    def c(trigger: str, after: int, **data: Any) -> Command:
        return Command(trigger, start + timedelta(days=after), "bench", data)
    return c


def evaluation(start: date, n: int) -> list[Command]:
    c = _at(start)
    return [
        c("open", 0, subject=f"罚{n}号", agency="执法队", round_ref="r", round_kind="内部评查",
          case_type="行政处罚", procedure="普通程序",
          file_closed_on=(start - timedelta(days=30)).isoformat()),
        c("assign_evaluator", 0, evaluator="甲"), c("assign_evaluator", 0, evaluator="乙"),
        c("start_evaluation", 1, place="会议室"),
        c("record_basic", 1, result="合格"),
        *(c("record_deduction", 1, item=i, reason=r) for i, r in DEDUCTIONS),
        c("score", 2),
        c("sign", 3, evaluator_signatures="甲,乙", unit_head="丙"),
        c("require_rectification", 3, problems="p"),
    ]


def assessment(start: date, n: int) -> list[Command]:
    c = _at(start)
    form = {f"findings_4_{k}": "好" for k in range(1, 12)}
    return [
        c("open", 0, subject=f"执法队{n}", agency="镇政府", participants="甲,乙", unit_head="乙"),
        c("fill_form", 1, opinion="较好", **form),
        c("give_feedback", 2, fed_back_to="乙"),
        c("form_report", 5, report_ref="r"),
        c("review", 6, reviewed_by="班子"),
        c("file", 8, filed_with="县司法局"),
        c("publish_results", 9, scope="公示栏"),
        c("close", 9),
    ]


def _run(workflow: str, plans: list[list[Command]], context: dict[str, Any]) -> None:
    eng = Engine(shipped_definition(workflow), shipped_calendar())
    best, best_score = float("inf"), float("inf")
    for _ in range(3):
        t0, scoring = time.process_time(), 0.0
        for plan in plans:
            case = eng.open(plan[0], context).state
            for cmd in plan[1:]:
                s0 = time.process_time()
                case = eng.decide(case, cmd, context).state
                if cmd.trigger == "score":
                    scoring += time.process_time() - s0
        best = min(best, (time.process_time() - t0) / sum(len(p) for p in plans))
        best_score = min(best_score, scoring / len(plans))
    print(f"{workflow:<24} per transition, CPU: {best * 1e6:.1f} µs "
          f"({sum(len(p) for p in plans)} transitions per round, best of 3)")
    if workflow == "pu_casefile_evaluation":
        print(f"{'  the score step':<24} per file, CPU: {best_score * 1e6:.1f} µs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=500)
    args = parser.parse_args()
    context = {"catalogues": load_catalogues(paths.workflows_dir())}
    days = [date(2026, 3, 2) + timedelta(days=i % 200) for i in range(args.cases)]
    _run("pu_casefile_evaluation", [evaluation(d, i) for i, d in enumerate(days)], context)
    _run("pu_daily_assessment", [assessment(d, i) for i, d in enumerate(days)], {})


if __name__ == "__main__":
    main()

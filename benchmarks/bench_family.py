"""Benchmark of the tolerance family's definitions (prints figures; not a test).

    python benchmarks/bench_family.py [--cases 500]

The cost of one transition (guards — the C10 conditions included — the event, the fold and
every deadline of the case) over complete cases of Baiyintala, Pu County and the generic
procedure (its notice period set to 7 as an adopter would): the BYT-01 walk of
tests/unit/test_family_t.py with an extension and publication, 11 commands per case.  Compare
with ``benchmarks/bench_engine.py`` (Licheng, target under 50 µs per transition).
"""

from __future__ import annotations

import argparse
import time
from datetime import date, timedelta

from rongcuo.domain.case import Command
from rongcuo.domain.engine import Engine
from rongcuo.testing.workflows import shipped_calendar, shipped_definition

SIX = {"subjective": "s", "objective": "o", "procedure_method": "p", "nature_degree": "n",
       "consequence": "c", "loss_recovered": "l"}
FAMILY = {  # workflow: (ex-officio source, decider, exemption items)
    "baiyintala": ("党委启动", "苏木党委", "10.4,10-2.1,10-2.2,10-2.3"),
    "pu_tolerance": ("党组启动", "所在单位党组", "11.1,11-2.1,11-2.2,11-2.3"),
    "generic": ("党组启动", "所在单位党组", "11.1,11-2.1,11-2.2,11-2.3"),
}


def walk(workflow: str, start: date) -> list[Command]:
    source, decider, items = FAMILY[workflow]

    def c(trigger: str, after: int, **data: object) -> Command:
        return Command(trigger, start + timedelta(days=after), "bench", data)

    return [
        c("open", 0, subject="张某", agency="执法队", matter="m", source=source),
        c("start_verification", 1, verified_by="执法队"),
        c("record_verification", 2, note="核实"),
        c("determine", 5, outcome="exempted", items=items, decided_by=decider, **SIX),
        c("order_correction", 5, reasons="r", correction_items="i", requirements="q", days=30),
        c("notify", 7, party_notified_on=(start + timedelta(days=7)).isoformat(),
          no_related_unit="无"),
        c("publish", 8, scope="内部"),
        c("extend_correction", 20, days=10, approved_by="队长", reason="特殊情况"),
        c("track", 25, note="整改中"),
        c("complete_correction", 30, completion="已整改"),
        c("close", 31),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=500)
    args = parser.parse_args()
    context = {"adopter_parameters": {"notice_days": 7}}
    for workflow in FAMILY:
        eng = Engine(shipped_definition(workflow), shipped_calendar())
        plans = [walk(workflow, date(2025, 3, 3) + timedelta(days=i % 500))
                 for i in range(args.cases)]
        best = float("inf")
        for _ in range(3):
            t0 = time.process_time()
            for plan in plans:
                case = eng.open(plan[0], context).state
                for cmd in plan[1:]:
                    case = eng.decide(case, cmd).state
                assert case.closed
            best = min(best, (time.process_time() - t0) / (len(plans) * len(plans[0])))
        print(f"{workflow:<13} per transition, CPU: {best * 1e6:.1f} µs "
              f"({len(plans) * len(plans[0])} transitions per round, best of 3)")


if __name__ == "__main__":
    main()

"""Benchmark of the case engine (prints figures; not a test).

    python benchmarks/bench_engine.py [--cases 2000]

Measures the in-memory cost of one transition, including guards, the event, the fold
(apply) and the timer computation (every deadline of the case is recomputed, as
``Decision.deadlines`` requires), over complete Licheng cases; and shows that no per-case
machine or model is kept: one ``transitions.Machine`` per definition version, the transient
model of each decide() released (weakref), memory flat with the number of cases (tracemalloc).
Target (issue 3): under 50 µs per transition.
"""

from __future__ import annotations

import argparse
import copy
import gc
import statistics
import time
import tracemalloc
import weakref
from collections.abc import Sequence
from datetime import date, timedelta

from transitions import Machine

from rongcuo.bench.walk import licheng_walk
from rongcuo.domain.case import CaseState, Command
from rongcuo.domain.engine import Engine
from rongcuo.domain.engine import machine as machine_mod
from rongcuo.testing.workflows import licheng_engine


def lifecycle(start: date) -> list[Command]:
    """A full Licheng case: 17 commands, with pause, extension, review and correction (the
    walk ``rongcuo bench compare`` measures too)."""
    return licheng_walk(start)


def run_case(eng: Engine, commands: Sequence[Command]) -> CaseState:
    case = eng.open(commands[0]).state
    for cmd in commands[1:]:
        case = eng.decide(case, cmd).state
    return case


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=2000)
    args = parser.parse_args()
    eng = licheng_engine()
    starts = [date(2025, 3, 1) + timedelta(days=i % 500) for i in range(args.cases)]
    plans = [lifecycle(s) for s in starts]
    per_case = len(plans[0])
    for p in plans[:50]:  # warm up (calendar cache, machine compiled)
        run_case(eng, p)

    rounds = []
    cpu_rounds = []
    for _ in range(3):
        t0, c0 = time.perf_counter(), time.process_time()
        for p in plans:
            run_case(eng, p)
        n = len(plans) * per_case
        rounds.append((time.perf_counter() - t0) / n)
        cpu_rounds.append((time.process_time() - c0) / n)
    best = min(rounds) * 1e6
    best_cpu = min(cpu_rounds) * 1e6
    try:
        import os

        load = f" (load average {os.getloadavg()[0]:.1f} on {os.cpu_count() or 0} cores)"
    except OSError:  # pragma: no cover - platforms without getloadavg
        load = ""
    print(f"transitions measured      : {len(plans) * per_case * 3} ({per_case} per case){load}")
    print(
        f"per transition, wall      : {best:.1f} µs best  (rounds: "
        + ", ".join(f"{r * 1e6:.1f}" for r in rounds)
        + ")"
    )
    print(
        f"per transition, CPU time  : {best_cpu:.1f} µs best  (rounds: "
        + ", ".join(f"{r * 1e6:.1f}" for r in cpu_rounds)
        + ")"
    )
    print(
        f"target < 50 µs            : {'met' if best < 50 else 'NOT met'} (wall), "
        f"{'met' if best_cpu < 50 else 'NOT met'} (CPU)"
    )

    # one hot decision in isolation
    case = run_case(eng, plans[0][:9])  # verifying, statement heard
    cmd = Command("hold_hearing", plans[0][8].on, "bench", {"host": "孙法官"})
    n = 20000
    t0 = time.perf_counter()
    for _ in range(n):
        eng.decide(case, cmd)
    print(f"single decide (internal)  : {(time.perf_counter() - t0) / n * 1e6:.1f} µs")
    deadlines_cost = []
    for _ in range(3):
        t0 = time.perf_counter()
        for _ in range(n):
            eng.deadlines(case)
        deadlines_cost.append((time.perf_counter() - t0) / n * 1e6)
    print(f"deadlines() of that case  : {min(deadlines_cost):.1f} µs (memoised per TimerState)")

    # cold: a case freshly loaded by the store has new TimerState objects (no memo hits)
    cold_cases = [copy.deepcopy(case) for _ in range(5000)]
    t0 = time.process_time()
    for c in cold_cases:
        eng.decide(c, cmd)
    print(
        f"single decide, cold case  : {(time.process_time() - t0) / len(cold_cases) * 1e6:.1f} µs"
        " CPU (freshly loaded state, every deadline recomputed)"
    )

    # no per-case machine or model is kept
    refs: list[weakref.ref[object]] = []
    real = machine_mod._Step

    def tracking(*a: object, **k: object) -> object:
        step = real(*a, **k)  # type: ignore[arg-type]
        refs.append(weakref.ref(step))
        return step

    machine_mod._Step = tracking  # type: ignore[assignment,misc]
    try:
        run_case(eng, plans[1])
    finally:
        machine_mod._Step = real  # type: ignore[misc]
    gc.collect()
    alive = sum(1 for r in refs if r() is not None)
    machines = sum(1 for o in gc.get_objects() if isinstance(o, Machine))
    print(f"transient models alive    : {alive} of {len(refs)} created")
    print(f"Machine objects in memory : {machines} (one per loaded definition version)")
    print(f"models held by the machine: {len(eng._machine.models)}")

    gc.collect()
    tracemalloc.start()
    for p in plans[:200]:
        run_case(eng, p)
    gc.collect()
    after_200 = tracemalloc.get_traced_memory()[0]
    for p in plans:
        run_case(eng, p)
    gc.collect()
    after_all = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    print(f"retained after 200 cases  : {after_200 / 1024:.1f} KiB")
    print(
        f"retained after +{len(plans)} cases: {after_all / 1024:.1f} KiB "
        f"(growth {(after_all - after_200) / 1024:.1f} KiB: nothing kept per case)"
    )
    print(f"statistics.median rounds  : {statistics.median(rounds) * 1e6:.1f} µs")


if __name__ == "__main__":
    main()

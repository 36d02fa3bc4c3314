"""Profile of one stateless step (prints a profile; not a test).

    python benchmarks/profile_step.py [--walks 200] [--moved] [--sort tottime|cumulative]

The step of ``rongcuo bench compare`` (``stateless_us``: the case row decoded, the command
decided, the event chained, the rows encoded — :mod:`rongcuo.bench.stateless`) over the
Licheng walk, under cProfile; ``--moved`` writes only the deadline rows that moved, as the
sweep does.  The top entries name file:line, so the costs can be found in the source.
"""

from __future__ import annotations

import argparse
import cProfile
import itertools
import pstats
import statistics
import time

from rongcuo.adapters.db.sql import chained_rows
from rongcuo.bench.stateless import CONTEXT, RECORDED_AT, Row, StatelessWalker
from rongcuo.bench.walk import licheng_walk
from rongcuo.domain.case import deadline_changes
from rongcuo.testing.workflows import licheng_engine

PHASES = ("decode the row", "project the loaded state (--moved only)",
          "decide (guards, event, fold, deadlines)", "chain the event hash",
          "encode the case row", "encode the event rows", "encode the deadline rows")


def phases(walker: StatelessWalker, first: Row, walks: int) -> dict[str, float]:
    """CPU µs per step of each phase of the stateless step (the walker's own code, cut at
    its seams; the median over the walks)."""
    store, engine = walker._store, walker.engine
    commands = licheng_walk()[1:]
    clock = time.thread_time_ns
    per_walk: dict[str, list[float]] = {p: [] for p in PHASES}
    for _ in range(walks):
        ns = [0] * len(PHASES)
        row = first
        for command in commands:
            t0 = clock()
            case = walker.decode(row)
            ta = clock()
            previous = engine.deadlines(case.state) if walker.only_moved else ()
            t1 = clock()
            d = engine.decide(case.state, command, CONTEXT)
            t2 = clock()
            rows, _, seq, h = chained_rows(
                case.id, case.last_seq, case.last_hash, d.state, d.events, RECORDED_AT, None
            )
            t3 = clock()
            params = store.enc.case_update(d.state, case.version, seq, h, RECORDED_AT, case.id)
            t4 = clock()
            [store.enc.event(r) for r in rows]
            t5 = clock()
            if walker.only_moved:
                whole, moved = deadline_changes(previous, d.deadlines)
                [store.enc.deadline(case.id, x, RECORDED_AT) for x in whole]
                [store.enc.deadline_move(case.id, x, RECORDED_AT) for x in moved]
            else:
                [store.enc.deadline(case.id, x, RECORDED_AT) for x in d.deadlines]
            t6 = clock()
            row = walker._next_row(row, params)
            for i, (a, b) in enumerate(itertools.pairwise((t0, ta, t1, t2, t3, t4, t5, t6))):
                ns[i] += b - a
        for phase, spent in zip(PHASES, ns, strict=True):
            per_walk[phase].append(spent / len(commands) / 1000)
    return {p: statistics.median(v) for p, v in per_walk.items()}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--walks", type=int, default=200)
    p.add_argument("--moved", action="store_true", help="only the deadline rows that moved")
    p.add_argument("--sort", default="tottime", choices=["tottime", "cumulative"])
    p.add_argument("--top", type=int, default=30)
    p.add_argument("--phases", action="store_true",
                   help="CPU per phase of the step instead of a profile")
    args = p.parse_args()
    walker = StatelessWalker(licheng_engine(), only_moved=args.moved)
    commands = licheng_walk()
    first, _ = walker.open_row(commands[0])
    for _ in range(10):  # warm: calendar caches, the compiled machine
        walker.walk(first, commands[1:])
    if args.phases:
        got = phases(walker, first, args.walks)
        total = sum(got.values())
        print(f"CPU µs per step, median of {args.walks} walks (total {total:.1f} µs)")
        for phase, us in got.items():
            print(f"  {phase:<42}{us:8.1f} µs  {us / total:6.1%}")
        return
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(args.walks):
        walker.walk(first, commands[1:])
    prof.disable()
    print(f"{args.walks} walks x {len(commands) - 1} steps")
    pstats.Stats(prof).strip_dirs().sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()

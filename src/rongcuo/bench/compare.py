"""``rongcuo bench compare``: the cost of one Licheng step, ours next to SpiffWorkflow's.

Four measures (five with SpiffWorkflow in memory) of the same walk (:mod:`.walk`, the 16
steps after ``open``), in interleaved rounds — each round runs every measure once, in an
order rotated from round to round, so a change of the machine's load touches them all:

* ``engine_us`` — our engine deciding and applying a step in memory (guards, the event, the
  fold, the deadlines; the state object carried from step to step);
* ``stateless_us`` — the same step from the case row to the rows written
  (:mod:`.stateless`: decode, decide, hash chain, encode), nothing kept between steps, only
  the deadline rows that moved written, as ``case fire`` and the sweep commit them (issue 16);
  ``stateless_whole_us`` every deadline row written whole, as ``case fire`` committed before
  (printed, not in the ``--json`` contract);
* ``spiff_stateless_us`` — SpiffWorkflow deserializing the workflow, completing one task and
  serializing it again (:mod:`.spiff`); ``spiff_engine_us`` the task alone, in memory;
* ``bare_transitions_us`` — a ``transitions`` trigger on a machine with Licheng's states and
  transitions and nothing else (no guards, no callbacks), called as our engine calls it.

Each figure is process CPU time per step (the machine is shared: CPU time is what a step
costs, wall time adds whatever else ran), the median over rounds beside its range.
"""

from __future__ import annotations

import gc
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import rongcuo
from rongcuo.bench.spiff import BenchUnavailable, SpiffWalker
from rongcuo.bench.stateless import CONTEXT, StatelessWalker
from rongcuo.bench.walk import licheng_walk
from rongcuo.domain.engine import Engine
from rongcuo.domain.messages import message

MSG_BENCH_NO_MODEL = message(
    "bench.no_model",
    "找不到 BPMN 模型 benchmarks/licheng.bpmn（已查找 {here}）；请用 --model PATH 指定",
    "no BPMN model benchmarks/licheng.bpmn (looked at {here}); give it with --model PATH",
)

CONTRACT_KEYS = ("engine_us", "stateless_us", "spiff_stateless_us", "bare_transitions_us")
"""The figures ``--json`` prints (with ``rounds`` and ``load``): a contract."""

LABELS = {
    "engine_us": "our engine, in memory",
    "stateless_us": "our stateless step (row in → rows out)",
    "stateless_whole_us": "  the same, every deadline row whole (as before)",
    "spiff_engine_us": "SpiffWorkflow, task in memory",
    "spiff_stateless_us": "SpiffWorkflow stateless step (JSON in → JSON out)",
    "bare_transitions_us": "bare transitions trigger",
}

# (numerator, denominator, how the issue states the target, whether the ratio meets it)
TARGETS: tuple[tuple[str, str, str, Callable[[float], bool]], ...] = (
    ("stateless_us", "engine_us", "≤ 1.5×", lambda r: r <= 1.5),
    ("spiff_stateless_us", "stateless_us", "≥ 20×", lambda r: r >= 20),
    ("engine_us", "bare_transitions_us", "≤ 3×", lambda r: r <= 3),
    ("spiff_engine_us", "engine_us", "(for reference)", lambda r: True),
)


def default_model() -> Path:
    """``benchmarks/licheng.bpmn`` of the checkout rongcuo runs from (or of the current
    directory); :class:`BenchUnavailable` if there is none."""
    here = Path(rongcuo.__file__).resolve().parents[2] / "benchmarks" / "licheng.bpmn"
    for path in (here, Path.cwd() / "benchmarks" / "licheng.bpmn"):
        if path.is_file():
            return path
    raise BenchUnavailable.of(
        MSG_BENCH_NO_MODEL,
        here=here,
    )


@dataclass(frozen=True)
class Comparison:
    """Per-step CPU microseconds of each measure, one figure per round."""

    rounds: int
    walks: int
    steps: int
    load: float
    figures: dict[str, list[float]]

    def median(self, key: str) -> float:
        return statistics.median(self.figures[key])

    def to_json(self) -> dict[str, Any]:
        """The contract: the four medians, the number of rounds, the 1-minute load."""
        out: dict[str, Any] = {k: round(self.median(k), 2) for k in CONTRACT_KEYS}
        out["rounds"] = self.rounds
        out["load"] = round(self.load, 2)
        return out

    def report(self) -> list[str]:
        """What the command prints: each measure's median and range, then the ratios."""
        lines = [
            f"Licheng walk: {self.steps} steps after open × {self.walks} walks per measure, "
            f"{self.rounds} interleaved rounds; CPU µs per step",
            f"  {'measure':<50}{'median':>9}  range (min–max)",
        ]
        for key, label in LABELS.items():
            xs, med = self.figures[key], self.median(key)
            spread = max(med - min(xs), max(xs) - med) / med * 100 if med else 0.0
            lines.append(
                f"  {label + ' (' + key + ')':<50}{med:>9.1f}  "
                f"{min(xs):.1f}–{max(xs):.1f} (±{spread:.0f}%)"
            )
        lines.append("ratios (medians), against issue 16's targets:")
        for num, den, target, meets in TARGETS:
            ratio = self.median(num) / self.median(den)
            verdict = "" if target.startswith("(") else ("  meets" if meets(ratio) else "  MISSES")
            lines.append(f"  {num} / {den}: {ratio:.2f}×  target {target}{verdict}")
        lines.append(f"load average {self.load:.2f} (1 min) on {os.cpu_count()} CPUs")
        return lines


def bare_machine(engine: Engine) -> Any:
    """A ``transitions`` machine with the definition's states and transitions, nothing else."""
    from transitions import Machine

    d = engine.definition
    transitions = [
        {"trigger": name, "source": list(tr.sources), "dest": tr.dest}
        for name, t in d.triggers.items()
        if not t.opens
        for tr in t.transitions
    ]
    start = d.open_trigger.transitions[0].dest
    return Machine(
        model=None, states=list(d.states), transitions=transitions, initial=start,
        auto_transitions=False,
    )


def _cpu(run: Callable[[], object]) -> float:
    gc.collect()
    t0 = time.process_time()
    run()
    return time.process_time() - t0


class _Model:
    """The bare machine's model: only the state attribute the library sets."""

    state: str


def compare(model: Path, *, rounds: int = 5, walks: int = 50,
            engine: Engine | None = None) -> Comparison:
    """Run the interleaved rounds; every walk is checked to end where the engine's ends."""
    # (one function over our ~80-line rule: the four measurements must interleave inside one
    # loop, round by round, for their ratios to share the machine's conditions)
    if engine is None:
        from rongcuo.testing.workflows import licheng_engine

        engine = licheng_engine()
    spiff = SpiffWalker(model)
    commands = licheng_walk()
    opener, steps = commands[0], commands[1:]
    nexts: list[str | None] = [c.trigger for c in steps[1:]]
    spiff_steps = list(zip(steps, [*nexts, None], strict=True))  # (command, next trigger)
    opened = engine.open(opener, CONTEXT).state
    stateless = StatelessWalker(engine, only_moved=True)  # as Store.append_in writes
    whole_rows = StatelessWalker(engine)
    first_row = stateless.open_row(opener)[0]
    spiff_first = spiff.opened(opener)
    spiff_open_json = spiff.dumps(spiff_first)
    machine = bare_machine(engine)
    triggers = [c.trigger for c in steps]
    events = machine.events
    start = machine.initial

    def engine_walks() -> Any:
        for _ in range(walks):
            case = opened
            for c in steps:
                case = engine.decide(case, c, CONTEXT).state
        return case

    def stateless_walks() -> Any:
        for _ in range(walks):
            row = stateless.walk(first_row, steps)
        return row

    def whole_walks() -> Any:
        for _ in range(walks):
            row = whole_rows.walk(first_row, steps)
        return row

    def spiff_stateless_walks() -> None:
        for _ in range(walks):
            spiff.walk_stateless(spiff_open_json, spiff_steps)

    # what is built before a timed block (fresh workflows, fresh models) is not timed
    def spiff_engine_walks() -> Callable[[], object]:
        fresh = [spiff.loads(spiff_open_json) for _ in range(walks)]
        return lambda: [spiff.walk_in_memory(w, spiff_steps) for w in fresh]

    def bare_walks() -> Callable[[], object]:
        models = [_Model() for _ in range(walks)]
        machine.add_model(models, initial=start)

        def run() -> None:
            for m in models:
                for name in triggers:
                    events[name].trigger(m)
            machine.remove_model(models)

        return run

    measures: dict[str, Callable[[], Callable[[], object]]] = {
        "engine_us": lambda: engine_walks,
        "stateless_us": lambda: stateless_walks,
        "stateless_whole_us": lambda: whole_walks,
        "spiff_engine_us": spiff_engine_walks,
        "spiff_stateless_us": lambda: spiff_stateless_walks,
        "bare_transitions_us": bare_walks,
    }
    _check(engine_walks(), stateless, [stateless_walks(), whole_walks()], spiff,
           spiff_engine_walks())
    for warm in ("spiff_stateless_us", "bare_transitions_us"):  # the others ran in _check
        measures[warm]()()
    figures: dict[str, list[float]] = {k: [] for k in measures}
    keys = list(measures)
    per_round = walks * len(steps)
    for r in range(rounds):
        for key in keys[r % len(keys):] + keys[: r % len(keys)]:
            figures[key].append(_cpu(measures[key]()) / per_round * 1e6)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return Comparison(rounds, walks, len(steps), load, figures)


def _check(in_memory: Any, stateless: StatelessWalker, last_rows: list[Any],
           spiff: SpiffWalker, spiff_run: Callable[[], object]) -> None:
    """Before timing (and warming up): the stateless walks end in the in-memory walk's state,
    and SpiffWorkflow's walk completes its process."""
    if any(stateless.decode(row).state != in_memory for row in last_rows):
        raise AssertionError("the stateless walk did not end in the engine's state")
    walked = spiff_run()
    assert isinstance(walked, list)
    if not all(spiff.is_completed(w) for w in walked):
        raise AssertionError("SpiffWorkflow's walk did not complete the process")

"""Checks on a built definition: rule parameters, data references, routing, the graph.

Each check reports to the :class:`Checker` with the path of what is wrong, so the edge can
name the file and line.  Routing follows the engine's order: a trigger's transitions are
tried in the order listed, and the first whose ``from`` holds the case's state and whose
guards all pass is taken.  A transition that order can never reach is refused.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator

from rongcuo.domain.rules import RULES, Need, Scope
from rongcuo.domain.workflow.model import GuardSpec, TriggerSpec, WorkflowDefinition
from rongcuo.domain.workflow.problems import Checker

Path = tuple[object, ...]


def check_definition(definition: WorkflowDefinition, chk: Checker) -> None:
    """Every check; the graph only once everything it walks is known to exist."""
    check_rules(definition, chk)
    check_data(definition, chk)
    check_routing(definition, chk)
    openers = [t for t in definition.triggers.values() if t.opens]
    if len(openers) == 1 and not chk.problems:
        check_graph(definition, openers[0], chk)


def placed_guards(trigger: TriggerSpec) -> Iterator[tuple[Path, GuardSpec]]:
    """Each guard of a trigger with its path in the definition (a trigger's own guards, then
    each transition's; only the ``transitions:`` form gives a transition guards)."""
    for i, g in enumerate(trigger.guards):
        yield ("triggers", trigger.name, "guards", i), g
    for j, tr in enumerate(trigger.transitions):
        for i, g in enumerate(tr.guards):
            yield ("triggers", trigger.name, "transitions", j, "guards", i), g


def check_rules(definition: WorkflowDefinition, chk: Checker) -> None:
    """Every guard's parameters hold what its rule declares and name what exists; one step's
    guards do not need two different gatherings of the same context."""
    for t in definition.triggers.values():
        scope = Scope(definition, t)
        needs: dict[str, tuple[Path, Need]] = {}
        for path, g in placed_guards(t):
            rule = RULES.get(g.rule)
            if rule is None:
                continue  # reported when built
            for name, (zh, en) in rule.problems(g, scope):
                chk.error((*path, name), zh, f"trigger '{t.name}': guard '{g.rule}': {en}")
            need = rule.need(g.params)
            if need is None:
                continue
            first = needs.setdefault(need.key, (path, need))
            if first[1] != need:
                chk.error(
                    path,
                    "同一操作的两条规则须从记录中取得不同的同名背景",
                    f"trigger '{t.name}': guard '{g.rule}' needs '{need.key}' gathered "
                    f"differently from an earlier guard of the same step ({first[1]} vs {need})",
                )


def check_data(definition: WorkflowDefinition, chk: Checker) -> None:
    """Catalogue items need a catalogue; an ``outcome`` enum lists catalogue outcomes."""
    for t in definition.triggers.values():
        for k, f in t.data.items():
            if f.type == "items" and not definition.catalogue:
                chk.error(
                    ("triggers", t.name, "data", k),
                    "引用认定情形须有认定目录",
                    f"trigger '{t.name}': field '{k}' cites catalogue items, but the "
                    "definition has no catalogue",
                )
            if k == "outcome" and f.type == "enum":
                unknown = [v for v in f.values if v not in definition.outcomes]
                if unknown:
                    chk.error(
                        ("triggers", t.name, "data", k),
                        "认定结果不在目录中",
                        f"trigger '{t.name}': outcome(s) {unknown} not in the catalogue",
                    )


def check_routing(definition: WorkflowDefinition, chk: Checker) -> None:
    """Refuse a transition that can never be taken from a state: an earlier transition of
    the same trigger from that state is tried first and passes whenever it would (it has no
    guards of its own, or only guards this one has too — an exact repeat among them).

    Two guarded transitions from one state, or a guarded one before an unguarded fallback,
    are fine: each can be taken."""
    for t in definition.triggers.values():
        if t.opens:
            continue
        for j, later in enumerate(t.transitions):
            dead: list[str] = []
            for i, earlier in enumerate(t.transitions[:j]):
                if not all(g in later.guards for g in earlier.guards):
                    continue  # the earlier one can fail where this one passes
                shared = [s for s in later.sources if s in earlier.sources and s not in dead]
                if shared:
                    _shadowed(t, i, j, shared, chk)
                    dead.extend(shared)


def _shadowed(t: TriggerSpec, i: int, j: int, states: list[str], chk: Checker) -> None:
    earlier, later = t.transitions[i], t.transitions[j]
    if earlier == later:
        why_zh, why_en = "与前一条完全相同", f"it repeats transition {i + 1} exactly"
    elif not earlier.guards:
        why_zh = f"第 {i + 1} 条转移没有条件，先被尝试"
        why_en = f"transition {i + 1}, tried first, has no guards of its own"
    else:
        why_zh = f"第 {i + 1} 条转移先被尝试，其条件本条都有"
        why_en = f"transition {i + 1}, tried first, has only guards this one has too"
    listed = ", ".join(states)
    chk.error(
        ("triggers", t.name, "transitions", j, "from"),
        f"操作 {t.name} 的第 {j + 1} 条转移从 {listed} 永远不会被采用：{why_zh}"
        "（转移按列出顺序尝试）",
        f"trigger '{t.name}': transition {j + 1} can never be taken from {listed}: {why_en} "
        "(transitions are tried in the order listed)",
    )


def check_graph(definition: WorkflowDefinition, opener: TriggerSpec, chk: Checker) -> None:
    """Every state is reachable; a non-final state has a way out, a final one has none."""
    states = definition.states
    edges: dict[str, set[str]] = {s: set() for s in states}
    for t in definition.triggers.values():
        for tr in t.transitions:
            if tr.dest is None:
                continue
            for s in tr.sources:
                if tr.dest != s:
                    edges[s].add(tr.dest)
    start = opener.transitions[0].dest
    if start is None:
        return
    seen = {start}
    queue = deque([start])
    while queue:
        for nxt in edges[queue.popleft()]:
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    for s, spec in states.items():
        if s not in seen:
            chk.error(("states", s), "状态不可达", f"state '{s}' is unreachable from '{start}'")
        if not spec.final and not edges[s]:
            chk.error(
                ("states", s), "非终结状态没有出路", f"state '{s}' is not final but has no way out"
            )
        if spec.final and edges[s]:
            chk.error(("states", s), "终结状态不应有出路", f"final state '{s}' has a way out")

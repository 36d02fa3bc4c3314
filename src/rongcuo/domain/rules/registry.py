"""The rule registry: every rule a definition may name, declared once with ``@rule``.

A declaration says everything the rest of the system needs to know about a rule: its name,
its parameters (kind, required, default), what it needs gathered from the record before it
decides (:mod:`rongcuo.domain.rules.needs`), whether it reads the step's data (a dry run with
no data can evaluate the others), and the codes it refuses with.  The validator, the engine,
the service and the documentation all read this one registry.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rongcuo.domain.rules.base import GuardCall
from rongcuo.domain.rules.needs import Need
from rongcuo.domain.rules.params import Finding, Param, Scope, check_value

if TYPE_CHECKING:
    from rongcuo.domain.workflow.model import GuardSpec, WorkflowDefinition

Check = Callable[[GuardCall], None]
NeedFactory = Callable[[Mapping[str, Any]], Need]
# problems between a guard's parameters (one parameter excluding or requiring another)
Together = Callable[[Mapping[str, Any]], list[tuple[str, Finding]]]

# Every guard may carry these besides its rule's parameters.
GUARD_KEYS = ("rule", "article", "note")


@dataclass(frozen=True)
class Rule:
    """One registered rule.  ``check(call)`` passes or raises ``Refused``."""

    name: str
    check: Check
    params: Mapping[str, Param] = field(default_factory=dict)
    needs: NeedFactory | None = None
    reads_data: bool = False
    refuses: tuple[str, ...] = ()
    doc: str = ""
    module: str = ""
    together: Together | None = None
    # what the rule computes into the event data (a computed step: a fact may be set from it)
    writes: tuple[str, ...] = ()

    @property
    def summary(self) -> str:
        """The first paragraph of the rule's docstring (its term, article and meaning), on
        one line (a line break inside Chinese text joins without a space)."""
        out = ""
        for line in self.doc.split("\n\n", 1)[0].split("\n"):
            line = line.strip()
            if out and line and not (_cjk(out[-1]) and _cjk(line[0])):
                out += " "
            out += line
        return out

    def with_defaults(self, given: Mapping[str, Any]) -> dict[str, Any]:
        """The guard's parameters with every optional one it leaves out set to its default."""
        return {**{k: p.default for k, p in self.params.items() if not p.required}, **given}

    def need(self, params: Mapping[str, Any]) -> Need | None:
        """What this guard needs gathered before deciding (None: nothing, or the guard lacks
        a required parameter and is refused anyway)."""
        if self.needs is None or any(p.required and k not in params
                                     for k, p in self.params.items()):
            return None
        return self.needs(params)

    def shape_problems(self, given: Mapping[str, Any]) -> list[tuple[str | None, Finding]]:
        """(parameter or None, problem) for parameters missing or not the rule's: checked
        before the definition is built."""
        out: list[tuple[str | None, Finding]] = []
        missing = [k for k, p in self.params.items() if p.required and k not in given]
        if missing:
            en = f"guard '{self.name}' needs parameter(s) {missing}"
            out.append((None, ("规则缺少参数", en)))
        for k in given:
            if k not in self.params:
                known = ", ".join(self.params) or "none"
                out.append((k, (
                    f"规则 {self.name} 没有参数 {k}",
                    f"guard '{self.name}' has no parameter '{k}' (it takes: {known})",
                )))
        return out

    def problems(self, spec: GuardSpec, scope: Scope) -> list[tuple[str, Finding]]:
        """(parameter, problem) for every value of ``spec`` its definition cannot hold."""
        out = [
            (name, f)
            for name, value in spec.params.items()
            if name in self.params
            for f in check_value(name, value, self.params, spec.params, scope)
        ]
        for name, p in self.params.items():
            if p.nullable and name in spec.params and spec.params[name] is None \
                    and not spec.note:
                out.append((name, (
                    f"参数 {name} 为 null 时须以 note 说明理由",
                    f"'{name}' is null: say why in the guard's 'note'",
                )))
        if self.together is not None:
            out.extend(self.together(spec.params))
        return out


def _cjk(ch: str) -> bool:
    return "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef"


RULES: dict[str, Rule] = {}


def rule(
    name: str,
    *,
    params: Mapping[str, Param] | None = None,
    needs: NeedFactory | None = None,
    reads_data: bool,
    refuses: tuple[str, ...],
    together: Together | None = None,
    writes: tuple[str, ...] = (),
) -> Callable[[Check], Check]:
    """Register the decorated function as the rule ``name``."""

    def register(fn: Check) -> Check:
        if name in RULES:
            raise ValueError(f"rule {name!r} is registered twice")
        RULES[name] = Rule(
            name=name,
            check=fn,
            params=dict(params or {}),
            needs=needs,
            reads_data=reads_data,
            refuses=refuses,
            doc=inspect.getdoc(fn) or "",
            module=fn.__module__,
            together=together,
            writes=writes,
        )
        return fn

    return register


def guards_of(definition: WorkflowDefinition, trigger: str) -> tuple[GuardSpec, ...]:
    """Every guard of one trigger: its own, then each transition's, in order."""
    spec = definition.triggers[trigger]
    return (*spec.guards, *(g for tr in spec.transitions for g in tr.guards))


def needs_for(definition: WorkflowDefinition, trigger: str) -> tuple[Need, ...]:
    """What the service must gather before deciding ``trigger`` (each once), e.g.
    ``PriorDecisions(outcomes, date_fact)`` for a step guarded by ``repeated_mistake``."""
    out: list[Need] = []
    for g in guards_of(definition, trigger):
        r = RULES.get(g.rule)
        need = r.need(g.params) if r is not None else None
        if need is not None and need not in out:
            out.append(need)
    return tuple(out)

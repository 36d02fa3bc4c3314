"""Rules: the named checks a definition attaches to its steps, in one registry.

Each rule lives in a module named for its legal concept, registered with
:func:`rule` (name, parameters with their kinds and defaults, what it needs gathered from the
record, whether it reads the step's data, the codes it refuses with), and carries its
Chinese term and article in its docstring:

* :mod:`~rongcuo.domain.rules.investigators` — 调查人员与回避
* :mod:`~rongcuo.domain.rules.determination` — 认定 (and 陈述申辩 before it)
* :mod:`~rongcuo.domain.rules.repetition` — 重复失误 / 容错一次
* :mod:`~rongcuo.domain.rules.windows` — 期间
* :mod:`~rongcuo.domain.rules.facts` — 案件情形 and data
* :mod:`~rongcuo.domain.rules.negative` — 不予容错的理由 (C15)
* :mod:`~rongcuo.domain.rules.records` — 案内记录 (C4: 信访举报)
* :mod:`~rongcuo.domain.rules.conditions` — 条件 (须填写、须已记录、任一: C10; a condition on a
  fact or a data field, by value, list membership or presence)
* :mod:`~rongcuo.domain.rules.counts` — 人数 (a member count with its own label: C11)
* :mod:`~rongcuo.domain.rules.evaluation` — 案卷评查 (评查人, 抽取案卷)
* :mod:`~rongcuo.domain.rules.scored` — 评分 (the computed ``score`` step)
* :mod:`~rongcuo.domain.rules.statistics` — 行政执法数据 (the annual figures, counted)
* :mod:`~rongcuo.domain.rules.unique` — 一案一评 (one case per key, across cases: C7)

Who reads the registry: the validator (``RULES[name].shape_problems`` and ``.problems`` check
every guard's parameters against the definition), the engine (``RULES[name].check(call)``),
the service (:func:`needs_for` says what to gather before deciding a step) and the
documentation (:func:`rule_table`).
"""

from rongcuo.domain.rules import (  # noqa: F401 - importing a rule module registers its rules
    conditions,
    counts,
    determination,
    evaluation,
    facts,
    investigators,
    negative,
    records,
    repetition,
    scored,
    statistics,
    unique,
    windows,
)
from rongcuo.domain.rules.base import GuardCall
from rongcuo.domain.rules.needs import Catalogues, Need, PriorDecisions, SameCases
from rongcuo.domain.rules.params import Param, Scope
from rongcuo.domain.rules.registry import GUARD_KEYS, RULES, Rule, guards_of, needs_for, rule
from rongcuo.domain.rules.table import rule_table

__all__ = [
    "GUARD_KEYS",
    "RULES",
    "Catalogues",
    "GuardCall",
    "Need",
    "Param",
    "PriorDecisions",
    "Rule",
    "SameCases",
    "Scope",
    "guards_of",
    "needs_for",
    "rule",
    "rule_table",
]

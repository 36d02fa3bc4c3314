"""A real Licheng case walked through the service handlers and the engine: the one walker.

:func:`walk_licheng` opens a case and records a script of steps (by default
:data:`LICHENG_STEPS`, the whole procedure around National Day 2025, 历城办法第十三条至第二十条);
given the test's clock it records each step at 10:00 CST of its business date.
:func:`licheng_to_determined` is its script for the scheduler's tests: a supervision case
determined on a given day, so the 7-day notice period of art. 17 runs from there.

(The engine-level command scripts without a store, ``LICHENG_TO_*``, ship in
:mod:`rongcuo.testing.workflows`.)
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from rongcuo.clock import CST, FixedClock
from rongcuo.service import handlers
from rongcuo.service.commands import FireStep, OpenCase

if TYPE_CHECKING:
    from rongcuo.bootstrap import App

Step = tuple[str, str, dict[str, Any]]
"""(trigger, business date ``YYYY-MM-DD``, data) of one recorded step."""

LICHENG_STEPS: tuple[Step, ...] = (
    # 历城办法第十三条至第二十条, around National Day 2025
    ("file", "2025-09-28", {}),  # 第十四条 立案 (a Sunday that is an adjusted working day)
    ("assign_investigator", "2025-09-29", {"investigator": "李四"}),  # 第十六条
    ("assign_investigator", "2025-09-29", {"investigator": "王五"}),  # 第十六条: at least two
    ("start_verification", "2025-09-30", {}),  # 第十六条 核实
    ("hear_statement", "2025-10-09", {}),  # 第十六条 陈述申辩
    ("extend_investigation", "2025-10-20",
     {"days": 15, "approved_by": "区司法局负责人", "reason": "情况复杂"}),  # 第十七条
    ("determine", "2025-11-05",
     {"outcome": "exempted", "items": ["10.2"], "correction_required": True}),  # 第十七、十八条
    ("notify", "2025-11-07", {"received_on": "2025-11-07"}),  # 第十七条 7日内告知
    ("order_correction", "2025-11-25", {"days": 30, "items": "完善执法公示"}),  # 第二十条
    ("complete_correction", "2025-12-10", {}),  # 第二十条
    ("archive", "2025-12-12", {}),  # 第十四条 归档
)

CASE_WORKER = "监督科王科长"
SUPERVISOR = "历城区行政执法监督科 王科长"


def cst_morning(on: str | date, hour: int = 10) -> datetime:
    """10:00 CST of a legal date (when a case worker records a step that day)."""
    d = on if isinstance(on, date) else date.fromisoformat(on)
    return datetime(d.year, d.month, d.day, hour, tzinfo=CST)


def walk_licheng(
    app: App,
    clock: FixedClock | None,
    *,
    script: Sequence[Step] = LICHENG_STEPS,
    steps: int | None = None,
    subject: str = "张三",
    agency: str = "区综合行政执法局",
    matter: str = "占道经营处罚",
    source: str = "application",
    opened: str | date = "2025-09-26",
    actor: str = CASE_WORKER,
) -> str:
    """Open a Licheng case on ``opened`` and record the first ``steps`` of ``script`` (all by
    default); returns the case id.  With a ``clock``, each step is recorded at 10:00 CST of
    its business date; without one the app's clock is left as the test set it."""
    day = opened if isinstance(opened, date) else date.fromisoformat(opened)
    if clock is not None:
        clock.set(cst_morning(day))
    res = handlers.open_case(
        app, OpenCase(workflow_id="licheng", subject=subject, agency=agency, on=day, actor=actor,
        data={"matter": matter, "source": source}))
    for trigger, on, data in script[: steps if steps is not None else None]:
        if clock is not None:
            clock.set(cst_morning(on))
        handlers.fire(app, FireStep(res.case_id, trigger, on=date.fromisoformat(on), actor=actor,
                      data=data))
    return str(res.case_id)


def licheng_to_determined(
    app: App,
    *,
    opened: date,
    determined: date,
    subject: str = "区市场监管局 执法人员甲",
    agency: str = "区市场监管局",
) -> str:
    """A supervision case opened on ``opened`` and determined on ``determined``; its id.

    Steps: open (art. 13) → file (art. 14) → two investigators (art. 16) → start
    verification → hear the statement (art. 16), all on ``opened`` → determine ``exempted``
    under art. 10(1).  The app's clock is not moved."""
    o = opened.isoformat()
    script: tuple[Step, ...] = (
        ("file", o, {}),
        ("assign_investigator", o, {"investigator": "张三"}),
        ("assign_investigator", o, {"investigator": "李四"}),
        ("start_verification", o, {}),
        ("hear_statement", o, {}),
        ("determine", determined.isoformat(), {"outcome": "exempted", "items": "10.1"}),
    )
    return walk_licheng(
        app, None, script=script, subject=subject, agency=agency, matter="行政处罚超期",
        source="supervision_case", opened=opened, actor=SUPERVISOR,
    )

"""The case engine: decide a command against a definition, fold events into state.

Pure: the business date comes in the :class:`~rongcuo.domain.case.Command`, the calendar
is given to the constructor, and nothing reads the wall clock.  :class:`Engine` is the one
public face; its parts, one job each:

* :mod:`.machine` — one ``transitions`` machine compiled per definition version (cache keyed
  by ``(id, version)``), shared by every case and every :class:`Engine` of that version.  It
  is built with ``auto_transitions=False`` (no ``to_<state>()`` shortcuts) and no model: each
  decision runs the machine's event on a small transient model that is released when the call
  returns (``benchmarks/bench_engine.py`` proves it with a weakref).
* :mod:`.coerce` — step data (``--set KEY=VALUE`` text) typed by the trigger's fields, one
  registered function per data type.
* :mod:`.timer_rules` — the pause/resume/extension rules every definition gets.
* :mod:`.fold` — one event into the state (:meth:`Engine.apply`, :meth:`Engine.replay`).
* :mod:`.projection` — due dates, deadlines and the notice schedule.  Due dates are never
  stored: :meth:`Engine.deadlines` derives them from each ``TimerState``, the timer's period
  rule and the calendar (so loading a calendar year recomputes them).
* :mod:`.common` — the names the others share (:data:`NEW`, :data:`NOTICE_TRIGGER`, …).

Callbacks have no side effects: :meth:`Engine.decide` returns the events, the fold applies
them.

**Routing.**  A trigger's transitions are tried in the order the definition lists them; among
those whose ``from`` holds the case's state, the first whose guards all hold is taken (its
trigger-level guards, then its own, then the built-in timer rules).  A guard that refuses
does not stop the search: its refusal is recorded and the next transition is tried.  When
none is taken the step is refused — with exactly the refusal of the one candidate, or, when
several were tried, with the first one's code and article, every candidate's refusal in
``details["branches"]`` (``to_state``, ``code``, ``article``, ``message_zh``,
``message_en``) and each named in the message.  Bad step data (``InvalidInput``, e.g.
``one_of_data``) is refused at once, whichever transition it was met on.  The event records
the destination taken (``data["to_state"]``) and the fold follows it; an event whose
recorded destination this trigger cannot reach from the case's state (or that has none)
takes the first transition from that state, as every event did before routing existed.

Clock pauses (历城办法第十六条): ``pause_clock`` on P and ``resume_clock`` on R record the
inclusive pause [P, R-1] — the clock stops on the day the appraisal is commissioned and runs
again on the day its result arrives; R == P is no pause.  While paused the timer's status is
``paused`` and its due date is ``None``.
"""

from __future__ import annotations

from rongcuo.domain.engine.common import (
    ACCESS_TRIGGER,
    ACCESS_TYPE,
    ACTIVE,
    NEW,
    NOTICE_TRIGGER,
    NOTICE_TYPES,
)
from rongcuo.domain.engine.engine import Engine
from rongcuo.domain.engine.machine import compiled_machine

__all__ = ["ACCESS_TRIGGER", "ACCESS_TYPE", "ACTIVE", "NEW", "NOTICE_TRIGGER", "NOTICE_TYPES",
           "Engine", "compiled_machine"]

"""Where every body's obligations stand on a date: a read model (nothing written).

Computed from the catalogue and the record as of ``as_of`` — the periods owed up to that day,
their fulfilments and the notices recorded — so it needs no sweep to have run, and an
obligation that cannot be computed yet (a parameter the adopting body has not set) is listed
with the parameter it waits for instead of being silently absent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from rongcuo.adapters.supervision import obligations as rows
from rongcuo.domain.legal_time import end_of_day
from rongcuo.domain.obligations import ObligationCatalogue, owed_periods, standing
from rongcuo.domain.obligations.plan import unset_parameters
from rongcuo.service.context import App
from rongcuo.service.supervision.obligations import fulfilments, period_id, step_types

STATUS_ZH = {"open": "进行中", "met": "已完成", "overdue": "已逾期", "met_late": "逾期完成",
             "waiting": "待设定参数"}


@dataclass(frozen=True)
class ObligationLine:
    unit_id: str
    body: str
    obligation: str
    title_zh: str
    article: str
    period: str
    due: str | None
    status: str
    done: int
    min: int
    notices: tuple[str, ...]
    waiting_for: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "notices": list(self.notices),
                "waiting_for": list(self.waiting_for), "status_zh": STATUS_ZH[self.status]}


def obligation_status(app: App, cat: ObligationCatalogue, as_of: date,
                      unit_id: str | None = None) -> list[ObligationLine]:
    """Every (body, obligation, period) owed up to ``as_of``, as it stands at the end of that
    day; occurrences opened so far; obligations waiting for a parameter."""
    at = end_of_day(as_of)
    with app.store.read() as conn:
        bodies = [b for b in rows.load_bodies(conn) if unit_id in (None, b.unit_id)]
        settings = rows.load_settings(conn)
        got = fulfilments(conn, cat, bodies, settings, step_types(app))
        stored = {r.id: r for r in rows.period_rows(conn, unit_id=unit_id)}
        recorded = rows.recorded_notices(conn, list(stored))
    out: list[ObligationLine] = []
    for b in bodies:
        for ob in cat.obligations:
            if not ob.owed_by(b):
                continue
            waiting = unset_parameters(ob, settings)
            if waiting:
                out.append(ObligationLine(b.unit_id, b.name, ob.id, ob.title_zh, ob.article,
                                          "—", None, "waiting", 0, ob.min, (), tuple(waiting)))
                continue
            periods = [(p.key, d.due) for p, d in owed_periods(ob, b, as_of, app.calendar,
                                                               settings)]
            periods += [(r.period_key, r.due) for r in stored.values()
                        if r.obligation == ob.id and r.unit_id == b.unit_id
                        and ob.period == "occurrence" and r.period_start <= as_of]
            for key, due in periods:
                dates = [d for d in got.get((ob.id, b.unit_id, key), []) if d <= as_of]
                st = standing(ob, due, dates, at)
                pid = period_id(ob.id, b.unit_id, key)
                out.append(ObligationLine(b.unit_id, b.name, ob.id, ob.title_zh, ob.article,
                                          key, due.isoformat(), st.status, st.total, ob.min,
                                          tuple(sorted(recorded.get(pid, ())))))
    return out

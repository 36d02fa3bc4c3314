"""Obligations of each body (C8, C18): what is due from whom, per period, and when they are told.

Pure: :mod:`.model` (bodies, obligations, due rules), :mod:`.periods` (year, half-year,
quarter, month), :mod:`.plan` (the periods owed, their due dates, the notices owed at an
instant).  The obligations themselves are data (``workflows/<jurisdiction>/obligations/``,
read by :mod:`rongcuo.definitions.obligation_files`); the rows and the sweep are the service
layer's (:mod:`rongcuo.service.obligations`).
"""

from rongcuo.domain.obligations.model import (
    Body,
    DueRule,
    FulfilledBy,
    Obligation,
    ObligationCatalogue,
    Parameter,
    Rung,
)
from rongcuo.domain.obligations.periods import (
    Period,
    PeriodKind,
    parse_period,
    period_of,
    periods_between,
    preceding,
)
from rongcuo.domain.obligations.plan import (
    Due,
    Standing,
    due_for,
    owed_notices,
    owed_periods,
    period_kind,
    schedule,
    standing,
    unset_parameters,
)

__all__ = [
    "Body",
    "Due",
    "DueRule",
    "FulfilledBy",
    "Obligation",
    "ObligationCatalogue",
    "Parameter",
    "Period",
    "PeriodKind",
    "Rung",
    "Standing",
    "due_for",
    "owed_notices",
    "owed_periods",
    "parse_period",
    "period_kind",
    "period_of",
    "periods_between",
    "preceding",
    "schedule",
    "standing",
    "unset_parameters",
]

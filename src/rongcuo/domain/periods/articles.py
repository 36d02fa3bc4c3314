"""The statute the generic legal clock applies to every period, whatever the procedure.

Only national law lives here: the Civil Code's counting rules.  A procedure's own articles
(the pause and extension articles of a timer, e.g. 历城办法第十六条、第十七条) come from its
definition, through :class:`~rongcuo.domain.periods.PeriodRule`, never from a default.
"""

from __future__ import annotations

__all__ = ["ART_ROLLOVER", "ART_ROLLOVER_EN", "ART_START", "ART_START_EN"]

ART_START = "民法典第二百零一条"
"""The start day is not counted; day 1 is the next day."""
ART_START_EN = "Civil Code art. 201"

ART_ROLLOVER = "民法典第二百零三条"
"""A last day that is not a working day rolls to the next working day; a period ends at 24:00."""
ART_ROLLOVER_EN = "Civil Code art. 203"

"""Command handlers: one function per command of :mod:`rongcuo.service.commands`.

* :mod:`.cases` — open a case, record a step (and the corrections of the record);
* :mod:`.reporters` — a reporter's identity kept encrypted apart, and its recorded reveal;
* :mod:`.deadlines` — recompute provisional due dates after a calendar import;
* :mod:`.notices` — the notices a sweep owes a claimed case (reminders, overdue marks,
  escalation rungs, on-expiry steps) and the outbox messages announcing them.
"""

from rongcuo.service.handlers.cases import allowed_triggers, fire, load_case, open_case
from rongcuo.service.handlers.corrections import amend, void, withdraw
from rongcuo.service.handlers.reporters import reveal_reporter

__all__ = ["allowed_triggers", "amend", "fire", "load_case", "open_case", "reveal_reporter", "void",
           "withdraw"]

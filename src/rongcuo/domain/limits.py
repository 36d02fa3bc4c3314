"""How long a recorded text may be (characters, as PostgreSQL's ``varchar(n)`` counts them).

The store's columns are sized from these (:mod:`rongcuo.adapters.db.tables`), and the service
refuses longer input before anything is read or written (:mod:`rongcuo.service.inputs`):
PostgreSQL would refuse it only at the insert, SQLite would store any length, so without one
limit in one place the two backends would disagree on what may be recorded.
"""

from __future__ import annotations

SUBJECT = 200  # 容错纠错对象: a person's or an agency's name
AGENCY = 200  # 行政执法机关
ACTOR = 200  # 记录人: who records a step
IDEMPOTENCY_KEY = 200  # a client's retry key

# Step data (``--set KEY=VALUE``) whose field declares no ``max_length`` in its definition:
# the store-level defaults.  A definition declares its own per field (a name, a matter, a
# reason, an opinion each their own); these only bound what no definition sized.
TEXT_FIELD = 2000  # a free-text data field (str)
LIST_ITEM = 200  # each name of a list field (investigators, …)

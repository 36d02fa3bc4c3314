"""The supervision tables (revision ``0009_obligations``) and their reads and writes.

* :mod:`.tables` — bodies, obligation settings, periods, fulfilments and notices; case
  classifications and risk-point records;
* :mod:`.obligations` — the obligation rows, in a caller's transaction;
* :mod:`.risk` — classifications and risk-point records;
* :mod:`.counts` — the aggregate reads the statistics and risk-point reports are built from.
"""

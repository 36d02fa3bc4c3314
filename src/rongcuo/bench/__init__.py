"""Benchmarks that print figures (``rongcuo bench …``); never imported unless one runs.

* :mod:`.walk` — the Licheng walk every comparison measures;
* :mod:`.stateless` — one stateless step, row in → row out, as the store and the sweep do it;
* :mod:`.compare` — ``rongcuo bench compare``: our engine and stateless step next to
  SpiffWorkflow (an optional extra, :mod:`.spiff`) and a bare ``transitions`` trigger;
* :mod:`.store` — ``rongcuo bench store``: durable transitions next to a raw-driver baseline.

Speed targets are ratios printed here, never timed assertions in tests.
"""

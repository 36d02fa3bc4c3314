"""A sweeper that pauses after each claimed batch — a test-only hook.

``scheduler sweep`` / ``scheduler run`` use it when ``RONGCUO_TEST_SWEEP_PAUSE`` is set (test
and benchmark use only: documented in docs/scheduler.md), so the fault tests can kill a
sweeper while it holds a batch's rows in an open transaction.
"""

from __future__ import annotations

import time
from datetime import datetime

import sqlalchemy as sa

from rongcuo.scheduler.sweep import Sweeper


class PausingSweeper(Sweeper):
    """A sweeper that pauses ``pause`` seconds after claiming each batch, with the batch's
    rows claimed and its transaction open: a kill then lands in the middle of the work.
    Test-only (``RONGCUO_TEST_SWEEP_PAUSE``)."""

    def __init__(self, *args: object, pause: float, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Sweeper's own
        self.pause = pause

    def _claim(
        self, conn: sa.Connection, now: datetime, skip: set[tuple[str, str]], limit: int
    ) -> list[tuple[str, str]]:
        claimed = super()._claim(conn, now, skip, limit)
        if claimed:
            time.sleep(self.pause)
        return claimed

"""The exit codes of every ``rongcuo`` command (a contract: scripts and cron jobs test them).

0 success · 1 unexpected failure · 2 usage error (click) · 3 refused or invalid input ·
4 conflict (another writer was first, or the expected version is stale) · 5 not found ·
6 an audit found the record unsound · 7 ``scheduler status``: the scheduler lags past its bound.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_REFUSED = 3
EXIT_CONFLICT = 4
EXIT_NOT_FOUND = 5
EXIT_AUDIT_FAILED = 6
EXIT_LAGGING = 7

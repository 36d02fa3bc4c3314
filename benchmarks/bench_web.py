"""Benchmark: the workplace's case list page with 10,000 cases (prints figures; not a test).

    python benchmarks/bench_web.py [--cases 10000] [--runs 7] [--db URL]

Opens ``--cases`` Licheng cases in the demo unit ``lc-jd`` through the service layer (every
fourth one filed, so deadlines differ), signs in as the demo handler, and times whole HTTP
answers of the server ``rongcuo serve`` composes (the ASGI app in-process, httpx transport):
the first and the hundredth page of 案件列表, sorted by next due date, filtered overdue as of a
date, a text search, and the 工作台.  Prints each page's median and range in milliseconds.
Target (issue 18): a page of the list "in well under a second".
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--db", default=None)
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="rongcuo-bench-web-")
    os.environ["RONGCUO_HOME"] = tmp

    from fastapi.testclient import TestClient

    from rongcuo import logging as rlog
    from rongcuo.bootstrap import bootstrap
    from rongcuo.clock import FixedClock
    from rongcuo.entrypoints.http import create_app
    from rongcuo.entrypoints.web.app import install
    from rongcuo.service import handlers
    from rongcuo.service.commands import FireStep, OpenCase
    from rongcuo.service.identity import principal_for_login
    from tests.support.identity import password_of, seed

    rlog.configure(level="warning")  # one line per case opened would drown the figures
    clock = FixedClock(datetime(2025, 9, 1, 2, 0, tzinfo=UTC))
    app = bootstrap(args.db or f"sqlite:///{tmp}/bench.db", clock=clock, migrate=True)
    seed(app)
    who = principal_for_login(app, "handler")
    t0 = time.perf_counter()
    start = date(2025, 9, 1)
    for i in range(args.cases):
        on = start + timedelta(days=i % 90)
        clock.set(datetime(on.year, on.month, on.day, 2, 0, tzinfo=UTC))
        r = handlers.open_case(app, OpenCase("licheng", f"对象{i:05d}", f"执法机关{i % 17}", on,
                                             who.actor, {"matter": "抽检"}, principal=who))
        if i % 4 == 0:
            handlers.fire(app, FireStep(r.case_id, "file", on, who.actor, principal=who))
    print(f"opened {args.cases} cases in {time.perf_counter() - t0:.1f} s")
    clock.set(datetime(2025, 12, 1, 2, 0, tzinfo=UTC))

    client = TestClient(install(create_app(app), app, secret="bench"))
    page = client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token
    r = client.post("/login", data={"csrf": token.group(1), "username": "handler",
                                    "password": password_of("handler")})
    assert r.status_code == 200, r.status_code
    pages = {
        "案件列表 page 1": "/cases",
        "案件列表 page 100": "/cases?page=100",
        "sorted by next due": "/cases?sort=next_due",
        "overdue as of 2025-11-01": "/cases?overdue_as_of=2025-11-01",
        "search 对象0999": "/cases?q=%E5%AF%B9%E8%B1%A10999",
        "工作台": "/",
    }
    print(f"{'page':<28}{'median ms':>10}{'min':>8}{'max':>8}")
    for name, url in pages.items():
        times = []
        for _ in range(args.runs):
            t = time.perf_counter()
            resp = client.get(url)
            times.append((time.perf_counter() - t) * 1000)
            assert resp.status_code == 200, (url, resp.status_code)
        print(f"{name:<28}{statistics.median(times):>10.1f}{min(times):>8.1f}"
              f"{max(times):>8.1f}")
    app.close()


if __name__ == "__main__":
    main()

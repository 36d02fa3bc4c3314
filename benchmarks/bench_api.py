"""Benchmark: steps per second through the HTTP API, next to the store's own durable rate
(prints figures; not a test).

    python benchmarks/bench_api.py [--steps 400] [--pg]

The API runs in its own process (uvicorn on loopback, as ``rongcuo serve``), on a scratch
database with the demo units and users; each client (a thread with a keep-alive httpx
connection and an API token of the case's unit) records steps on a case of its own (no
conflicts): ``pause_clock`` and ``resume_clock`` in turn on a Licheng case under
verification (历城办法第十六条), each a durable transition (authenticate the token, load the
case, authorize, decide, one write transaction, render the case document).  Measured with 1
and with 8 concurrent clients; the store's durable rate is ``rongcuo bench store``'s
(``rongcuo.bench.store.bench_url``: load + version-checked UPDATE + event + deadline per
transaction, 1 and 8 processes) on another scratch database of the same backend, in the same
run.  The ratio API/store at 8 clients has a target of at least 50% (issue 14).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import socket
import sys
import tempfile
import threading
import time
from typing import Any

import httpx

from rongcuo.bench.store import (
    bench_url,
    drop_pg_database,
    scratch_pg_database,
    scratch_sqlite_url,
)
from rongcuo.clock import SystemClock, today_cst

PG_ADMIN = os.environ.get("RONGCUO_TEST_PG_URL",
                          "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(url: str, port: int) -> None:
    import uvicorn

    from rongcuo.bootstrap import bootstrap
    from rongcuo.entrypoints.http import create_app

    app = bootstrap(url, migrate=False)
    app.preload()
    uvicorn.run(create_app(app), host="127.0.0.1", port=port, access_log=False,
                log_level="warning")


STEPS_PER_CASE = 20
"""A client moves to its next case after this many steps: a case's document (every event) is
what each answer renders, and a Licheng case has some twenty steps, not hundreds."""


def _prepare(url: str, cases: int) -> tuple[str, list[str]]:
    """The demo units and users, an API token of ``lc-jd`` and ``cases`` verifying cases."""
    from rongcuo.bootstrap import bootstrap
    from rongcuo.clock import today_cst
    from rongcuo.service import handlers
    from rongcuo.service.commands import FireStep, OpenCase
    from rongcuo.service.identity import accounts, demo

    app = bootstrap(url, migrate=True)
    if not accounts.list_users(app):
        demo.seed(app)
    token, _ = accounts.create_token(app, "bench", "lc-jd", ["handler"], days=1)
    p = accounts.principal_for_login(app, "handler")
    on = today_cst(app.clock)
    ids = []
    for _ in range(cases):
        r = handlers.open_case(app, OpenCase("licheng", "基准测试对象", "城管局", on, p.actor,
                                             {"matter": "bench"}, principal=p))
        for trigger, data in (("file", {}), ("assign_investigator", {"investigator": "inv1"}),
                              ("assign_investigator", {"investigator": "inv2"}),
                              ("start_verification", {})):
            handlers.fire(app, FireStep(r.case_id, trigger, on, p.actor, data, principal=p))
        ids.append(r.case_id)
    app.close()
    return token, ids


def _client(base: str, token: str, case_ids: list[str], n: int, on: str,
            barrier: threading.Barrier, spans: list[tuple[float, float]],
            errors: list[str]) -> None:
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"},
                      timeout=60) as c:
        barrier.wait()
        t0 = time.perf_counter()
        for i in range(n):
            trigger = "pause_clock" if i % 2 == 0 else "resume_clock"
            data: dict[str, Any] = {"kind": "鉴定"} if trigger == "pause_clock" else {}
            case_id = case_ids[(i // STEPS_PER_CASE) % len(case_ids)]
            r = c.post(f"/api/v1/cases/{case_id}/steps",
                       json={"trigger": trigger, "on": on, "data": data})
            if r.status_code != 200:
                errors.append(f"{r.status_code} {r.text[:200]}")
                break
        spans.append((t0, time.perf_counter()))


def api_rate(url: str, clients: int, steps: int) -> float:
    per = max(2, steps // clients)
    each = -(-per // STEPS_PER_CASE)
    token, ids = _prepare(url, clients * each)
    port = _free_port()
    proc = mp.get_context("spawn").Process(target=_serve, args=(url, port), daemon=True)
    proc.start()
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/openapi.json", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        on = today_cst(SystemClock()).isoformat()  # the server's legal today (CST)
        barrier = threading.Barrier(clients)
        spans: list[tuple[float, float]] = []
        errors: list[str] = []
        threads = [threading.Thread(target=_client, args=(
            base, token, ids[k * each:(k + 1) * each], per, on, barrier, spans, errors))
            for k in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            raise RuntimeError(errors[0])
        wall = max(e for _, e in spans) - min(s for s, _ in spans)
        return per * clients / wall
    finally:
        proc.terminate()
        proc.join(10)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=400, help="steps per measurement")
    ap.add_argument("--pg", action="store_true", help="PostgreSQL instead of SQLite")
    args = ap.parse_args(argv)
    from rongcuo import logging as rlog

    rlog.configure()  # WARNING unless RONGCUO_LOG_LEVEL says otherwise
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for clients in (1, 8):
            urls = []
            for _ in range(2):
                u = scratch_pg_database(PG_ADMIN) if args.pg else scratch_sqlite_url(tmp)
                if u is None:
                    print("PostgreSQL does not answer", file=sys.stderr)
                    return 2
                urls.append(u)
            try:
                api = api_rate(urls[0], clients, args.steps)
                store = bench_url(urls[1], clients, args.steps, rounds=1).store_tps
            finally:
                if args.pg:
                    for u in urls:
                        drop_pg_database(u, PG_ADMIN)
            rows.append({"backend": "postgresql" if args.pg else "sqlite", "clients": clients,
                         "api_steps_per_s": round(api, 1), "store_tps": round(store, 1),
                         "ratio": round(api / store, 3) if store else None,
                         "target": 0.5 if clients == 8 else None,
                         "load": round(os.getloadavg()[0], 2)})
    print(f"{'backend':<11} {'clients':>7} {'API steps/s':>12} {'store tps':>10} "
          f"{'API/store':>9}  target")
    for r in rows:
        target = f">= {r['target']:.0%}" if r["target"] else "-"
        print(f"{r['backend']:<11} {r['clients']:>7} {r['api_steps_per_s']:>12} "
              f"{r['store_tps']:>10} {r['ratio']:>9.1%}  {target}  (load {r['load']})")
    print(json.dumps(rows, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

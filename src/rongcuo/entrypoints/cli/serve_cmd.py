"""`rongcuo serve` — the HTTP API (uvicorn) and the case workers' web workplace (工作台, at
``/``) on the embedded database by default.  The workplace's session cookies are signed with
``RONGCUO_WEB_SECRET`` (else a secret made at start-up: sessions end when the server
restarts) and are Secure when the request came over TLS (a reverse proxy's
``X-Forwarded-Proto``).

``--demo`` serves the demo's own database (``$RONGCUO_HOME/demo.sqlite3``, emptied at each
start, as ``rongcuo demo`` does: a demo never writes into the operator's cases and runs any
number of times) after creating the sample unit tree, a user for each role — their passwords
printed once, here, and never again — and a few sample cases.  With ``--db`` it seeds that
database instead, which must be empty.
"""

from __future__ import annotations

from typing import Any

import click

from rongcuo import logging as rlog
from rongcuo.clock import today_cst
from rongcuo.entrypoints.cli.options import app_for, db_option


def server(app: Any) -> Any:
    """The application ``rongcuo serve`` runs: the JSON API with the workplace mounted."""
    import os

    from rongcuo.entrypoints.http import create_app
    from rongcuo.entrypoints.web import app as web

    return web.install(create_app(app), app,
                       secret=os.environ.get("RONGCUO_WEB_SECRET") or None)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--demo", is_flag=True,
              help="serve the demo's own database ($RONGCUO_HOME/demo.sqlite3, new at each "
                   "start; with --db: that empty database): sample units, a user per role "
                   "(passwords printed once) and sample cases")
@db_option
def command(host: str, port: int, demo: bool, db: str | None) -> None:
    """Serve the HTTP API (/api/v1, /docs, /openapi.json) and the workplace (/)."""
    import uvicorn

    from rongcuo.bootstrap import demo_database
    from rongcuo.service.identity import demo as demo_data

    if demo and db is None:
        db = str(demo_database(reset=True))
        click.echo(f"演示数据库 demo database: {db}")
    with app_for(db) as app:
        app.preload()
        if demo:
            users = demo_data.seed(app)
            demo_data.sample_cases(app, today_cst(app.clock))
            click.echo("示例用户（密码只显示这一次）/ demo users (passwords shown once):")
            for u in users:
                click.echo(f"  {u.login:<12} {u.password:<22} {u.unit:<6} "
                           f"{','.join(u.roles):<18} {u.name}")
        rlog.get_logger("rongcuo.http").info("serve.start", host=host, port=port)
        click.echo(f"rongcuo 工作台 / workplace: http://{host}:{port}/", err=True)
        click.echo(f"rongcuo API: http://{host}:{port}/docs", err=True)
        # one process (the App's engines and pool are shared by its threads); request lines
        # are our own (http.request), uvicorn's access log would print query strings
        uvicorn.run(server(app), host=host, port=port, access_log=False, log_config=None)

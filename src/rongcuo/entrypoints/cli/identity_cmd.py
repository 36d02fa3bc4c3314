"""`rongcuo units`, `rongcuo users`, `rongcuo tokens` — who may act (issue 14).

The server's operator adds units (机构), users with their roles, and integrations' API
tokens.  A password is read from standard input only (``--password-stdin``: never an
argument, so it is not in the shell history or the process list); a token is printed once,
as the last line, and only its hash is kept.
"""

from __future__ import annotations

import sys

import click

from rongcuo.entrypoints.cli.options import app_for, db_option, echo_json, json_option
from rongcuo.service import identity

units = click.Group("units", help="units (机构): add, list")
users = click.Group("users", help="users and their roles: add, list")
tokens = click.Group("tokens", help="API tokens for integrations: create, list, revoke")


@units.command("add")
@click.argument("unit_id", metavar="ID")
@click.option("--name", required=True, help="机构名称")
@click.option("--kind", required=True, type=click.Choice(["supervision", "agency", "committee",
                                                          "other"]))
@click.option("--parent", default=None, metavar="ID", help="the unit above it")
@db_option
def units_add(unit_id: str, name: str, kind: str, parent: str | None, db: str | None) -> None:
    """Add a unit."""
    with app_for(db) as app:
        identity.add_unit(app, unit_id, name, kind, parent)
    click.echo(f"已添加机构：{unit_id}（{name}）")


@units.command("list")
@db_option
@json_option
def units_list(db: str | None, as_json: bool) -> None:
    """Every unit."""
    with app_for(db) as app:
        rows = identity.list_units(app)
    if as_json:
        echo_json(rows)
        return
    for r in rows:
        click.echo(f"{r['id']}\t{r['kind']}\t{r['parent'] or '-'}\t{r['name']}")


@users.command("add")
@click.argument("login")
@click.option("--name", required=True, help="display name (姓名)")
@click.option("--unit", "unit_id", required=True, metavar="ID")
@click.option("--role", "roles", multiple=True, required=True,
              help="handler, investigator, head, committee, auditor, reports, admin; repeatable")
@click.option("--password-stdin", is_flag=True, required=True,
              help="read the password from standard input (the only way to give it)")
@click.option("--sees-subunits", is_flag=True, help="also see the cases of the units below")
@db_option
@json_option
def users_add(login: str, name: str, unit_id: str, roles: tuple[str, ...],
              password_stdin: bool, sees_subunits: bool, db: str | None,
              as_json: bool) -> None:
    """Add a user; the password comes from standard input."""
    password = sys.stdin.readline().rstrip("\r\n")
    with app_for(db) as app:
        row = identity.add_user(app, login, name, unit_id, roles, password,
                                sees_subunits=sees_subunits)
    if as_json:
        echo_json(row)
    else:
        click.echo(f"已添加用户：{login}（{name}，{unit_id}，{'、'.join(row['roles'])}）")


@users.command("list")
@db_option
@json_option
def users_list(db: str | None, as_json: bool) -> None:
    """Every user with unit and roles (never a password or its hash)."""
    with app_for(db) as app:
        rows = identity.list_users(app)
    if as_json:
        echo_json(rows)
        return
    for r in rows:
        state = "" if r["active"] else "\t(inactive)"
        click.echo(f"{r['login']}\t{r['unit']}\t{','.join(r['roles'])}\t{r['name']}{state}")


@tokens.command("create")
@click.argument("name")
@click.option("--unit", "unit_id", required=True, metavar="ID")
@click.option("--role", "roles", multiple=True, required=True)
@click.option("--days", type=int, default=90, show_default=True, help="valid for DAYS days")
@db_option
@json_option
def tokens_create(name: str, unit_id: str, roles: tuple[str, ...], days: int,
                  db: str | None, as_json: bool) -> None:
    """Create an API token; it is printed once (the last line) and never again."""
    from rongcuo.service.identity.accounts import create_token

    with app_for(db) as app:
        token, row = create_token(app, name, unit_id, roles, days=days)
    if as_json:
        echo_json({**row, "token": token})
        return
    click.echo(f"已创建令牌 {row['id']}（{name}，{unit_id}，有效至 {row['expires_at']}）；"
               "令牌只显示这一次：", err=True)
    click.echo(token)


@tokens.command("list")
@db_option
@json_option
def tokens_list(db: str | None, as_json: bool) -> None:
    """API tokens (id, name, unit, roles, expiry, revoked) — never the token."""
    from rongcuo.service.identity.accounts import list_tokens

    with app_for(db) as app:
        rows = list_tokens(app)
    if as_json:
        echo_json(rows)
        return
    for r in rows:
        revoked = "\t(revoked)" if r["revoked"] else ""
        click.echo(f"{r['id']}\t{r['name']}\t{r['unit']}\t{','.join(r['roles'])}\t"
                   f"{r['expires_at']}{revoked}")


@tokens.command("revoke")
@click.argument("token_id", metavar="ID")
@db_option
def tokens_revoke(token_id: str, db: str | None) -> None:
    """Revoke an API token by its id (it stops working at once)."""
    with app_for(db) as app:
        identity.revoke_token(app, token_id)
    click.echo(f"已撤销令牌：{token_id}")


commands = (units, users, tokens)

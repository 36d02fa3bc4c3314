"""`rongcuo case amend | void | withdraw` — corrections of the record (issue 15).

A wrong step is put right by a new event, never by an edit: ``amend`` (更正) supersedes its
date and/or data, ``void`` (撤销) records that it never happened, ``withdraw`` (误录撤回)
closes a case opened by mistake.  The commands build service-layer commands and render the
case after the write (the history shows the original struck through, linked to the
correction).
"""

from __future__ import annotations

from typing import Any

import click

from rongcuo.entrypoints.cli.acting import acting, as_option, one_actor
from rongcuo.entrypoints.cli.options import app_for, db_option, echo_json, json_option, lang_option
from rongcuo.entrypoints.cli.parsing import parse_date, parse_sets
from rongcuo.entrypoints.cli.render import show_text
from rongcuo.service import handlers, queries
from rongcuo.service.commands import AmendStep, VoidStep, WithdrawCase

_REASON = click.option("--reason", required=True, metavar="TEXT",
                       help="why the record is corrected (更正理由)")
_BY = click.option("--by", "by", default=None, metavar="ACTOR",
                   help="who asks for the correction, as the server's operator (free text)")
_APPROVED = click.option("--approved-by", "approved_by", default=None, metavar="ACTOR",
                         help="who approved it (a head, not the entry's author); with --as "
                              "the user is the approver (a head of the case's unit)")


def _done(app: object, r: object, as_json: bool, lang: str, zh: str, en: str) -> None:
    if as_json:
        echo_json(r.to_json())  # type: ignore[attr-defined]
        return
    click.echo(zh if lang == "zh" else en)
    click.echo(show_text(queries.view_after_write(app, r), lang))  # type: ignore[arg-type]


def _common(f: Any) -> Any:
    """The options every correction command takes (reason, who, approver, database, output)."""
    for option in reversed((_REASON, _BY, as_option, _APPROVED, db_option, json_option,
                            lang_option)):
        f = option(f)
    return f


def register(group: click.Group) -> None:
    """Add the three commands to ``rongcuo case``."""

    @group.command("amend")
    @click.argument("case")
    @click.argument("seq", type=int)
    @click.option("--on", "on", default=None, metavar="DATE",
                  help="the date the step really happened (YYYY-MM-DD, CST)")
    @click.option("--set", "sets", multiple=True, metavar="KEY=VALUE",
                  help="the step data as it really was (only the fields given change)")
    @_common
    def amend_cmd(case: str, seq: int, on: str | None, sets: tuple[str, ...], reason: str,
                  by: str | None, as_login: str | None, approved_by: str | None,
                  db: str | None, as_json: bool, lang: str) -> None:
        """Amend (更正) step SEQ of CASE: its date and/or data, with the reason."""
        one_actor(by, as_login)
        when = parse_date(on) if on is not None else None
        with app_for(db) as app:
            who = acting(app, by, as_login)
            r = handlers.amend(app, AmendStep(
                case_ref=case, seq=seq, on=when, data=parse_sets(sets), reason=reason,
                actor=who.actor, approved_by=approved_by, principal=who))
            last = r.events[-1].seq if r.events else seq
            _done(app, r, as_json, lang, f"已更正：序号 {seq}（更正记录序号 {last}）",
                  f"amended: seq {seq} (correction recorded as seq {last})")

    @group.command("void")
    @click.argument("case")
    @click.argument("seq", type=int)
    @_common
    def void_cmd(case: str, seq: int, reason: str, by: str | None, as_login: str | None,
                 approved_by: str | None, db: str | None, as_json: bool, lang: str) -> None:
        """Void (撤销) step SEQ of CASE: it never happened."""
        one_actor(by, as_login)
        with app_for(db) as app:
            who = acting(app, by, as_login)
            r = handlers.void(app, VoidStep(case_ref=case, seq=seq, reason=reason,
                                            actor=who.actor, approved_by=approved_by,
                                            principal=who))
            last = r.events[-1].seq if r.events else seq
            _done(app, r, as_json, lang, f"已撤销：序号 {seq}（撤销记录序号 {last}）",
                  f"voided: seq {seq} (recorded as seq {last})")

    @group.command("withdraw")
    @click.argument("case")
    @click.option("--on", "on", required=True, metavar="DATE",
                  help="the date of the withdrawal (YYYY-MM-DD, CST)")
    @_common
    def withdraw_cmd(case: str, on: str, reason: str, by: str | None, as_login: str | None,
                     approved_by: str | None, db: str | None, as_json: bool,
                     lang: str) -> None:
        """Withdraw (误录撤回) CASE opened by mistake: closed, keeps its number, leaves lists."""
        one_actor(by, as_login)
        when = parse_date(on)
        with app_for(db) as app:
            who = acting(app, by, as_login)
            r = handlers.withdraw(app, WithdrawCase(
                case_ref=case, on=when, reason=reason, actor=who.actor,
                approved_by=approved_by, principal=who))
            _done(app, r, as_json, lang, f"已误录撤回：{r.number}（编号保留，不再重用）",
                  f"withdrawn: {r.number} (the number is kept, never reused)")

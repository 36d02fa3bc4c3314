"""Who acts on the server's shell: ``--by TEXT`` (an operator action, not restricted) or
``--as LOGIN`` (that user, with that user's permissions) — issue 14."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from rongcuo import logging as rlog
from rongcuo.service import identity
from rongcuo.service.context import App
from rongcuo.service.identity import Principal

F = TypeVar("F", bound=Callable[..., Any])


def by_option(f: F) -> F:
    return click.option("--by", "by", default=None, metavar="ACTOR",
                        help="who records the step, as the server's operator (free text)")(f)


def as_option(f: F) -> F:
    return click.option("--as", "as_login", default=None, metavar="LOGIN",
                        help="record the step as user LOGIN, with that user's permissions")(f)


def one_actor(by: str | None, as_login: str | None) -> None:
    """``--by TEXT`` (an operator action) or ``--as LOGIN`` (that user): exactly one."""
    if (by is None) == (as_login is None):
        raise click.UsageError("give exactly one of --by ACTOR (operator) and --as LOGIN (user)")


def acting(app: App, by: str | None, as_login: str | None) -> Principal:
    """The principal of ``--by`` or ``--as`` (see :func:`one_actor`)."""
    if as_login is not None:
        principal = identity.principal_for_login(app, as_login)
        rlog.bind(user=principal.login)
        return principal
    assert by is not None
    rlog.bind(actor=by)
    return Principal.operator(by)

"""The demo unit tree and users with known passwords (``password_of``), for the identity and
HTTP tests."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rongcuo.service.identity import demo

if TYPE_CHECKING:
    from rongcuo.bootstrap import App


def password_of(login: str) -> str:
    return "Tq7-" + login[::-1] + "-Zk9"


def seed(app: App) -> list[demo.DemoUser]:
    return demo.seed(app, password_of)

"""Browser fixtures: the workplace on a fresh database (SQLite and PostgreSQL), served
in-process with the test's clock, and Debian's chromium (Playwright) whose every request is
recorded."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rongcuo.clock import FixedClock
from tests.support.identity import password_of, seed
from tests.support.web_server import browser, cst, serve

OUTPUT = Path(__file__).resolve().parents[2] / "test-output" / "web"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(cst("2025-09-26"))


@pytest.fixture
def web_app(db_url: str, clock: FixedClock) -> Iterator[Any]:
    """A fresh database on each backend (the root conftest's ``db_url``: SQLite and
    PostgreSQL)."""
    from rongcuo.bootstrap import bootstrap

    a = bootstrap(db_url, clock=clock, migrate=True)
    seed(a)  # the demo unit tree and a user for each role (tests.support.identity)
    yield a
    a.close()


@pytest.fixture
def base_url(web_app: Any) -> Iterator[str]:
    """The server as ``rongcuo serve`` composes it: the JSON API with the workplace."""
    from rongcuo.entrypoints.http import create_app
    from rongcuo.entrypoints.web.app import install

    with serve(install(create_app(web_app), web_app, secret="test-secret")) as url:
        yield url


@pytest.fixture
def chromium() -> Iterator[Any]:
    with browser() as b:
        yield b


class Browsing:
    """Sessions of several users, each in its own browser context, every request recorded."""

    def __init__(self, chromium: Any, base_url: str) -> None:
        self.chromium, self.base_url = chromium, base_url
        self.requests: list[str] = []
        self.contexts: list[Any] = []

    def session(self, login: str, *, width: int = 1366, height: int = 768) -> Any:
        ctx = self.chromium.new_context(viewport={"width": width, "height": height},
                                        locale="zh-CN", timezone_id="Asia/Shanghai")
        ctx.on("request", lambda r: self.requests.append(r.url))
        self.contexts.append(ctx)
        page = ctx.new_page()
        page.set_default_timeout(15_000)
        page.goto(self.base_url + "/login")
        page.get_by_label("用户名").fill(login)
        page.get_by_label("密码").fill(password_of(login))
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(re.compile(re.escape(self.base_url) + r"/(\?.*)?$"))
        return page

    def close(self) -> None:
        for ctx in self.contexts:
            ctx.close()


@pytest.fixture
def browsing(chromium: Any, base_url: str) -> Iterator[Browsing]:
    b = Browsing(chromium, base_url)
    yield b
    b.close()

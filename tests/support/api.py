"""An in-process API client (FastAPI's TestClient over httpx) on a seeded app, with a token
per demo login (logged in once through ``POST /api/v1/auth/token``)."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from fastapi.testclient import TestClient

from rongcuo.entrypoints.http import create_app
from tests.support.identity import password_of

if TYPE_CHECKING:
    from rongcuo.bootstrap import App


class Api:
    def __init__(self, app: App) -> None:
        self.app = app
        self.client = TestClient(create_app(app), raise_server_exceptions=False)
        self.token = cache(self._login)
        self.issued: list[str] = []  # every token handed out (the log tests grep for them)

    def _login(self, login: str) -> str:
        r = self.client.post("/api/v1/auth/token",
                             data={"username": login, "password": password_of(login)})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["token_type"] == "bearer" and body["expires_in"] > 0
        self.issued.append(str(body["access_token"]))
        return self.issued[-1]

    def as_(self, login: str | None, method: str, url: str, **kw: Any) -> Any:
        headers = dict(kw.pop("headers", {}) or {})
        if login is not None:
            headers["Authorization"] = f"Bearer {self.token(login)}"
        return self.client.request(method, url, headers=headers, **kw)

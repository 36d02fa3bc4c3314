"""schemathesis against the API in process (issue 14), bounded: a fixed number of examples
per operation, derandomized.  Every answer is documented (status, content type, schema) and
none is a 5xx — with a valid token (a handler of the case's unit), so the examples reach
past the authentication into the handlers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from rongcuo.bootstrap import bootstrap
from rongcuo.clock import FixedClock
from rongcuo.entrypoints.http import create_app
from rongcuo.service import handlers
from rongcuo.service.commands import OpenCase
from tests.conftest import LICHENG_OPENING
from tests.support.api import Api
from tests.support.identity import seed

EXAMPLES = 12
STATE: dict[str, str] = {}


@pytest.fixture
def api_schema(db_url: str) -> Iterator[object]:
    app = bootstrap(db_url, clock=FixedClock(LICHENG_OPENING), migrate=True)
    seed(app)
    handlers.open_case(app, OpenCase("licheng", "张某", "城管局", date(2025, 9, 26), "seed",
                                     {"matter": "m"}, unit_id="lc-jd"))
    STATE["token"] = Api(app).token("handler")
    yield schemathesis.openapi.from_asgi("/openapi.json", create_app(app))
    app.close()


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case: schemathesis.Case) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Bearer {STATE['token']}"},
        checks=[not_a_server_error, status_code_conformance, content_type_conformance,
                response_schema_conformance])

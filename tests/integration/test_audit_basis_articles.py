"""A due date's basis cites the articles of the timer's own definition, and bases stored by
earlier releases still verify (issue 13: the law of one jurisdiction stays in its definition).

Until basis format 2 the legal clock stamped Licheng's articles into every basis — 历城办法第
十七条 under ``extensions.article`` and 第十六条 under ``articles.pause`` — even for a Banan
timer, which can be neither paused nor extended.  The record is never rewritten: such a stored
basis (``tests/fixtures/histories/banan_proposal_basis_format_1.json``, recorded by that
release) must still verify, while every basis written now cites only its own definition's
articles.  Runs on SQLite and PostgreSQL (``db_url``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from rongcuo.adapters.db import tables
from rongcuo.audit.api import verify
from rongcuo.bootstrap import App, bootstrap
from rongcuo.clock import FixedClock
from rongcuo.definitions import DefinitionRegistry, load_definitions, parse_definition
from rongcuo.domain.periods import DueDate
from rongcuo.service import handlers
from rongcuo.service.commands import FireStep, OpenCase
from tests.support.histories import load_history

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FORMAT_1 = FIXTURES / "histories" / "banan_proposal_basis_format_1.json"
BAIYINTALA = FIXTURES / "workflows" / "baiyintala_correction.yaml"
ART_16 = "白音他拉制度第十六条"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2025, 11, 3, 2, tzinfo=UTC))


@pytest.fixture
def app(db_url: str, clock: FixedClock) -> Iterator[App]:
    """The shipped definitions plus the Baiyintala correction fixture (a second jurisdiction
    whose correction period can be extended under its own art. 16)."""
    fixture = parse_definition(BAIYINTALA.read_text(encoding="utf-8"), str(BAIYINTALA))
    registry = DefinitionRegistry([*load_definitions(), fixture])
    a = bootstrap(database_url=db_url, clock=clock, definitions=registry, migrate=True)
    yield a
    a.close()


def _stored_basis(app: App, case_id: str, timer: str) -> dict[str, Any]:
    (row,) = [d for d in app.store.deadlines(case_id=case_id) if d.timer == timer]
    return dict(row.basis)


def _set_stored_basis(app: App, case_id: str, timer: str, basis: dict[str, Any]) -> None:
    """Edit a deadline row by hand (as someone with database access could)."""
    d = tables.deadlines
    with app.store.engine.begin() as conn:
        conn.execute(
            sa.update(d).where(d.c.case_id == case_id, d.c.timer == timer).values(basis=basis)
        )


def _findings(app: App) -> list[tuple[str, str]]:
    return [(f.case_id, f.code) for f in verify(app, drift=False).findings]


def _extended_correction(app: App, clock: FixedClock) -> str:
    """Baiyintala art. 16: a correction ordered on 2025-11-03 for 20 days (→ Sun 11-23, rolled
    to Mon 11-24), extended by 10 days with approval (counted on from 11-23 → Wed 12-03)."""
    cid = str(handlers.open_case(
        app, OpenCase(
            workflow_id="baiyintala_correction", subject="周九", agency="白音他拉综合行政执法队",
        on=date(2025, 11, 3), actor="执法队", data={})).case_id)
    handlers.fire(app, FireStep(cid, "order_correction", on=date(2025, 11, 3), actor="执法队",
                  data={"days": 20}))
    clock.set(datetime(2025, 11, 20, 2, tzinfo=UTC))
    handlers.fire(app, FireStep(cid, "extend_correction", on=date(2025, 11, 20), actor="执法队",
                  data={"days": 10, "approved_by": "苏木党委"}))
    return cid


def test_a_banan_basis_stored_by_the_previous_release_still_verifies(app: App) -> None:
    """The recorded Banan history (巴南办法第十六条, 5 working days across National Day) was
    stored with Licheng's articles in its basis; loaded as it was stored it verifies sound —
    history is added to, never rewritten — though the basis replayed now cites none."""
    doc = json.loads(FORMAT_1.read_text(encoding="utf-8"))
    stored = doc["expected"]["deadlines"]["filing"]["basis"]
    assert "basis_format" not in stored  # what the fixture claims to be: format 1
    assert stored["extensions"]["article"] == "历城办法第十七条"
    assert stored["articles"]["pause"] == "历城办法第十六条"
    cid = load_history(app.store.engine, doc)
    assert _findings(app) == []
    engine = app.engine_for("banan", doc["case"]["workflow_version"])
    (filing,) = engine.deadlines(app.store.load_case(cid).state)
    assert filing.due == date(2025, 10, 10)
    now = dict(filing.basis)
    assert now["basis_format"] == 2 and now["cites"] == {"extension": None, "pause": None}
    assert "历城" not in json.dumps(now, ensure_ascii=False)


def test_a_format_1_basis_is_read_exactly_not_loosely(app: App) -> None:
    """The old spelling is accepted only as that release wrote it: a format-1 basis whose
    extension article was changed to another one (历城办法第二十条), or whose count was
    changed, is reported — so is a format-2 basis rewritten with the old Licheng default."""
    doc = json.loads(FORMAT_1.read_text(encoding="utf-8"))
    cid = load_history(app.store.engine, doc)
    basis = doc["expected"]["deadlines"]["filing"]["basis"]
    wrong_article = {**basis, "extensions": {**basis["extensions"], "article": "历城办法第二十条"}}
    _set_stored_basis(app, cid, "filing", wrong_article)
    assert _findings(app) == [(cid, "replay.deadlines")]
    _set_stored_basis(app, cid, "filing", {**basis, "n": 4})
    assert _findings(app) == [(cid, "replay.deadlines")]
    _set_stored_basis(app, cid, "filing", basis)
    assert _findings(app) == []


def test_a_banan_basis_written_now_cites_no_licheng_article(app: App) -> None:
    """A Banan case opened today: the proposal window's stored basis is format 2 and names no
    article of another jurisdiction (Banan's timer has no pause or extension article)."""
    cid = str(handlers.open_case(
        app, OpenCase(workflow_id="banan", subject="吴十", agency="巴南区生态环境局",
        on=date(2025, 11, 3), actor="监督科", data={"matter": "环评审批"})).case_id)
    basis = _stored_basis(app, cid, "filing")
    assert basis["basis_format"] == 2
    assert basis["cites"] == {"extension": None, "pause": None}
    assert basis["extensions"]["article"] is None and basis["articles"]["pause"] is None
    assert "历城" not in json.dumps(basis, ensure_ascii=False)
    assert _findings(app) == []


def test_an_extension_basis_cites_its_own_definitions_article(
    app: App, clock: FixedClock
) -> None:
    """Baiyintala art. 16 (可以申请适当延长整改期限): the extended correction period's basis
    cites 白音他拉制度第十六条 — not 历城办法第十七条 — under ``extensions.article`` and
    ``cites``, its explanation says so, and the case verifies sound."""
    cid = _extended_correction(app, clock)
    basis = _stored_basis(app, cid, "correction")
    assert basis["due"] == "2025-12-03"
    assert basis["extensions"]["article"] == ART_16
    assert basis["cites"] == {"extension": ART_16, "pause": None}
    assert "历城" not in json.dumps(basis, ensure_ascii=False)
    text = DueDate(date(2025, 12, 3), False, basis).explain("zh")
    assert f"延长 10 个自然日（{ART_16}）" in text
    assert _findings(app) == []


def test_a_current_basis_rewritten_with_the_old_licheng_default_is_detected(
    app: App, clock: FixedClock
) -> None:
    """A format-2 basis may not be "restored" to Licheng's old default: the Baiyintala
    extension article changed by hand to 历城办法第十七条 is reported at its case."""
    cid = _extended_correction(app, clock)
    basis = _stored_basis(app, cid, "correction")
    forged = {**basis, "extensions": {**basis["extensions"], "article": "历城办法第十七条"}}
    _set_stored_basis(app, cid, "correction", forged)
    assert _findings(app) == [(cid, "replay.deadlines")]

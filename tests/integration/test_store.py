"""The durable case store and the unit of work that writes through it: insert-only log,
one-transaction append, optimistic locking, idempotency, case numbers, deadline queries — on
SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from rongcuo.adapters.db import synthetic as syn
from rongcuo.adapters.db import tables as t
from rongcuo.adapters.db.errors import KeyReused
from rongcuo.adapters.db.records import CommitResult, Idempotency
from rongcuo.adapters.db.store import Store
from rongcuo.bootstrap import bootstrap
from rongcuo.clock import FixedClock
from rongcuo.domain.case import Decision
from rongcuo.domain.chain import verify_chain
from rongcuo.service.errors import ConcurrencyConflict
from rongcuo.service.unit_of_work import UnitOfWork

AT = datetime(2025, 10, 9, 2, 0, tzinfo=UTC)


@pytest.fixture
def store(db_url: str) -> Store:
    return bootstrap(db_url, migrate=True).store


def uow(store: Store) -> UnitOfWork:
    return UnitOfWork(store, FixedClock(AT))


def open_case(store: Store, on: date = date(2025, 9, 30),
              idempotency: Idempotency | None = None) -> CommitResult:
    ev, st, dl = syn.opening(on)
    with uow(store) as u:
        u.open_case(subject="张三", agency="历城区市场监管局", opened_on=on,
                    number_pattern=syn.PATTERN, decision=Decision(ev, st, dl),
                    idempotency=idempotency)
        return u.commit()[0]


def step(
    store: Store,
    case_id: str,
    n: int,
    on: date = date(2025, 10, 9),
    idem: Idempotency | None = None,
) -> CommitResult:
    case = store.load_case(case_id)
    assert case is not None
    ev, st, dl = syn.step(case.state, on, n)
    with uow(store) as u:
        u.append(case.head, Decision(ev, st, dl), idempotency=idem)
        return u.commit()[0]


def test_update_of_an_event_is_rejected_by_the_database(store: Store) -> None:
    """The event log is the record: UPDATE is rejected by the database itself (issue 4
    "insert-only"; a correction is a new event, 历城办法第二十条 corrections are new steps)."""
    r = open_case(store)
    with pytest.raises(sa.exc.DBAPIError, match="insert-only"), store.write() as conn:
        conn.execute(t.events.update().values(actor="someone else"))
    assert store.case_events(r.case_id)[0].actor == "tester"


def test_delete_of_an_event_is_rejected_by_the_database(store: Store) -> None:
    """DELETE on ``events`` is rejected by a database trigger (issue 4 "insert-only")."""
    r = open_case(store)
    with pytest.raises(sa.exc.DBAPIError, match="insert-only"), store.write() as conn:
        conn.execute(t.events.delete())
    assert len(store.case_events(r.case_id)) == 1


@pytest.mark.postgres
def test_truncate_of_events_is_rejected_on_postgresql(pg_url: str) -> None:
    """TRUNCATE bypasses row triggers, so PostgreSQL gets a statement trigger too (issue 4)."""
    store = bootstrap(pg_url, migrate=True).store
    open_case(store)
    with pytest.raises(sa.exc.DBAPIError, match="insert-only"), store.write() as conn:
        conn.exec_driver_sql("TRUNCATE events CASCADE")
    assert store.count(t.events) == 1


def test_append_writes_case_events_and_deadlines_together(store: Store) -> None:
    """The case row, its deadlines and its new events are written in one transaction."""
    r = open_case(store)
    step(store, r.case_id, 1)
    case = store.load_case(r.case_id)
    events = store.case_events(r.case_id)
    (dl,) = store.deadlines(case_id=r.case_id)
    assert [e.seq for e in events] == [1, 2]
    assert (case.version, case.last_seq, case.last_hash) == (2, 2, events[-1].hash)
    assert case.state.facts == {"n": 1} and case.state.last_on == date(2025, 10, 9)
    assert (dl.timer, dl.due, dl.status) == ("step", date(2025, 11, 9), "running")


def test_second_writer_with_a_stale_version_gets_a_conflict_and_writes_nothing(
    store: Store,
) -> None:
    """Two writers on one case: the second gets a clear conflict error and nothing of it is
    stored (optimistic ``cases.version`` check; the unit of work rolls back)."""
    r = open_case(store)
    stale = store.load_case(r.case_id)
    assert stale is not None
    step(store, r.case_id, 1)
    ev, st, dl = syn.step(stale.state, date(2025, 10, 10), 99)
    with pytest.raises(ConcurrencyConflict) as err, uow(store) as u:
        u.append(stale.head, Decision(ev, st, dl))
        u.commit()
    assert "another writer" in err.value.message_en and "本次未记录" in err.value.message_zh
    assert [e.data["n"] for e in store.case_events(r.case_id)] == [0, 1]
    assert store.load_case(r.case_id).state.facts["n"] == 1
    assert store.deadlines(case_id=r.case_id)[0].basis["n"] == 1


def test_a_command_sent_twice_with_one_idempotency_key_is_applied_once(store: Store) -> None:
    """A retried command with the same idempotency key returns the first result and writes
    nothing (issue 4)."""
    r = open_case(store)
    key = Idempotency.for_command("retry-1", trigger="tick", n=1)
    first = step(store, r.case_id, 1, idem=key)
    again = store.command_result(key)
    retried = step(store, r.case_id, 1, idem=key)  # stale-free retry also hits the key
    assert again is not None and again.replayed and again.version == first.version
    assert retried.replayed and retried.case_id == first.case_id
    assert [e.seq for e in store.case_events(r.case_id)] == [1, 2]


def test_an_idempotency_key_reused_for_another_command_is_refused(store: Store) -> None:
    """A key names one command: reusing it for a different one is refused, not replayed."""
    r = open_case(store)
    step(store, r.case_id, 1, idem=Idempotency.for_command("k", trigger="tick", n=1))
    with pytest.raises(KeyReused, match="idempotency key"):
        store.command_result(Idempotency.for_command("k", trigger="tick", n=2))


def test_opening_twice_with_one_key_creates_one_case(store: Store) -> None:
    """``case open`` retried with the same key opens one case, not two (issue 4)."""
    key = Idempotency.for_command("open-1", subject="张三")
    a = open_case(store, idempotency=key)
    b = open_case(store, idempotency=key)
    assert a.case_id == b.case_id and b.replayed
    assert store.count(t.cases) == 1 and store.count(t.events) == 1


def test_case_numbers_count_per_workflow_and_restart_each_year(store: Store) -> None:
    """Readable numbers follow the definition's pattern with a per-workflow, per-year counter
    (e.g. 历城容错〔2025〕1号; the year is the opening date's)."""
    numbers = [
        open_case(store, on=d).number
        for d in (date(2025, 9, 30), date(2025, 12, 31), date(2026, 1, 4))
    ]
    assert numbers == ["测试容错〔2025〕1号", "测试容错〔2025〕2号", "测试容错〔2026〕1号"]


def test_a_case_is_found_by_id_or_by_number_and_unknown_ones_are_not_found(store: Store) -> None:
    """``case show`` accepts the stable id or the readable number."""
    r = open_case(store)
    found = store.load_case(r.number)
    assert found is not None and found.id == r.case_id
    assert store.load_case("历城容错〔2025〕999号") is None


def test_events_stream_in_global_order_across_batches(store: Store) -> None:
    """Auditors iterate the whole log in global order, streamed (issue 4 read API)."""
    a = open_case(store)
    b = open_case(store)
    for n in range(1, 4):
        step(store, a.case_id, n)
        step(store, b.case_id, n)
    streamed = list(store.iter_events(batch=3))
    assert [e.id for e in streamed] == sorted(e.id for e in streamed)
    assert len(streamed) == 8 and len({e.id for e in streamed}) == 8
    assert verify_chain(e.hashed_fields() for e in streamed) == []


def test_stored_events_recompute_to_their_stored_hashes(store: Store) -> None:
    """Every event's hash chains to the previous event of its case (issue 4)."""
    r = open_case(store)
    step(store, r.case_id, 1)
    e1, e2 = store.case_events(r.case_id)
    assert e1.prev_hash == "0" * 64 and e2.prev_hash == e1.hash
    assert verify_chain([e1.hashed_fields(), e2.hashed_fields()]) == []


def test_due_and_overdue_cases_are_one_query_on_deadline_rows(store: Store) -> None:
    """Deadlines are rows: "what is due or overdue on date X" is a query (issue 4); a period
    ends at 24:00 CST of its due date, so a deadline due on D is overdue as of D+1."""
    a = open_case(store, on=date(2025, 9, 1))  # due 2025-10-01
    b = open_case(store, on=date(2025, 9, 20))  # due 2025-10-20
    assert {c.id for c in store.list_cases(due_before=date(2025, 10, 2))} == {a.case_id}
    assert store.list_cases(overdue_as_of=date(2025, 10, 1)) == []
    assert [c.id for c in store.list_cases(overdue_as_of=date(2025, 10, 2))] == [a.case_id]
    assert len(store.list_cases(due_before=date(2025, 10, 21))) == 2
    assert b.case_id in {d.case_id for d in store.deadlines(statuses=["running"])}


def test_the_due_query_uses_the_status_due_index(store: Store) -> None:
    """The (status, due) index serves the due-date query on either backend (issue 4)."""
    open_case(store)
    sql = "SELECT case_id FROM deadlines WHERE status = 'running' AND due < '2025-10-20'"
    with store.read() as conn:
        if store.dialect == "sqlite":
            plan = " ".join(str(r) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
        else:
            conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
            plan = " ".join(str(r) for r in conn.exec_driver_sql("EXPLAIN " + sql))
    assert "ix_deadlines_status_due" in plan

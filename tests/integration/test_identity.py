"""Identity and authorization in the service layer (issue 14), on SQLite and PostgreSQL:
Argon2id hashes, the password policy, lock-out, tokens (hashed, expiring, revocable), cases
of another unit not found, roles per trigger, investigators on their own cases (历城办法
第十六条), four eyes on approvals (第十七条), and every event naming its user."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from rongcuo.adapters.identity import tables as it
from rongcuo.bootstrap import App, bootstrap
from rongcuo.clock import FixedClock
from rongcuo.definitions import load_definitions
from rongcuo.domain.errors import DefinitionError, InvalidInput, Refused
from rongcuo.domain.identity import DEFAULT_UNIT, parse_actor
from rongcuo.service import handlers, identity, queries
from rongcuo.service.commands import FireStep, OpenCase
from rongcuo.service.errors import AuthenticationFailed, CaseNotFound, Forbidden
from rongcuo.service.identity import Principal, accounts
from tests.support.identity import password_of, seed

ON = date(2025, 9, 26)


@pytest.fixture
def seeded(app: App) -> App:
    seed(app)
    return app


def who(app: App, login: str) -> Principal:
    return identity.principal_for_login(app, login)


def open_as(app: App, login: str, subject: str = "张某") -> str:
    p = who(app, login)
    return handlers.open_case(app, OpenCase("licheng", subject, "城管局", ON, p.actor,
                                            {"matter": "m"}, principal=p)).case_id


def fire_as(app: App, login: str, case: str, trigger: str, on: date = ON,
            **data: object) -> str:
    p = who(app, login)
    return handlers.fire(app, FireStep(case, trigger, on, p.actor, data, principal=p)).state


def test_password_is_stored_as_an_argon2id_hash_only(seeded: App) -> None:
    with seeded.store.engine.connect() as conn:
        rows = conn.execute(sa.select(it.users.c.login, it.users.c.password_hash)).all()
    assert len(rows) == 11
    for login, h in rows:
        assert h.startswith("$argon2id$") and password_of(login) not in h
    assert all("password" not in u and "password_hash" not in u
               for u in identity.list_users(seeded))


@pytest.mark.parametrize("bad", ["short1", "onlyletterslong", "1234567890", "Pw-handler-9x"])
def test_password_policy_refuses_weak_passwords(seeded: App, bad: str) -> None:
    with pytest.raises(InvalidInput) as e:
        identity.add_user(seeded, "newbie" if "handler" not in bad else "handler2",
                          "新人", "lc-jd", ["handler"], bad.replace("Pw-handler", "xhandler2"))
    assert e.value.code == "password.weak" and bad not in str(e.value)


def test_lock_out_after_five_failures_until_fifteen_minutes(seeded: App,
                                                            clock: FixedClock) -> None:
    now = clock.now()
    for _ in range(accounts.LOCK_AFTER):
        with pytest.raises(AuthenticationFailed) as e:
            identity.authenticate(seeded, "handler", "wrong-password-1", now)
        assert e.value.code == "auth.failed"
    with pytest.raises(AuthenticationFailed) as e:  # the right password, while locked
        identity.authenticate(seeded, "handler", password_of("handler"), now)
    assert e.value.code == "auth.locked"
    later = now + accounts.LOCK_FOR + timedelta(seconds=1)
    p = identity.authenticate(seeded, "handler", password_of("handler"), later)
    assert p.login == "handler" and p.unit_id == "lc-jd" and p.roles == {"handler"}


def test_unknown_login_answers_like_a_wrong_password(seeded: App, clock: FixedClock) -> None:
    with pytest.raises(AuthenticationFailed) as e:
        identity.authenticate(seeded, "nobody", "whatever-123", clock.now())
    assert e.value.code == "auth.failed"


def test_tokens_are_hashed_scoped_expiring_and_revocable(seeded: App,
                                                         clock: FixedClock) -> None:
    token, row = accounts.create_token(seeded, "oa-system", "lc-jd", ["handler"], days=30)
    with seeded.store.engine.connect() as conn:
        stored = conn.execute(sa.select(it.api_tokens)).mappings().all()
    assert all(token not in str(dict(r)) for r in stored)
    p = identity.authenticate_token(seeded, token, clock.now())
    assert (p.kind, p.unit_id, p.roles) == ("token", "lc-jd", {"handler"})
    with pytest.raises(AuthenticationFailed):  # expired
        identity.authenticate_token(seeded, token, clock.now() + timedelta(days=30))
    identity.revoke_token(seeded, row["id"])
    with pytest.raises(AuthenticationFailed):  # revoked, at once
        identity.authenticate_token(seeded, token, clock.now())


def test_session_token_follows_its_user(seeded: App, clock: FixedClock) -> None:
    p = identity.authenticate(seeded, "head", password_of("head"), clock.now())
    token, ttl = identity.issue_session(seeded, p, clock.now())
    assert identity.authenticate_token(seeded, token, clock.now()).login == "head"
    with pytest.raises(AuthenticationFailed):
        identity.authenticate_token(seeded, token, clock.now() + timedelta(seconds=ttl))


def test_case_of_another_unit_is_not_found(seeded: App) -> None:
    case = open_as(seeded, "handler")
    assert queries.case_view(seeded, case, principal=who(seeded, "head")).record.id == case
    with pytest.raises(CaseNotFound):
        queries.case_view(seeded, case, principal=who(seeded, "cg-head"))
    with pytest.raises(CaseNotFound):
        fire_as(seeded, "cg-handler", case, "file")
    # the head of the unit above, configured to see the units below, sees it
    assert queries.case_view(seeded, case, principal=who(seeded, "lc-head")).record.id == case
    listed = {v.record.id for v in queries.list_cases(seeded, queries.CaseFilter(),
                                                      who(seeded, "cg-handler"))}
    assert case not in listed


def test_operator_cases_belong_to_the_default_unit(seeded: App) -> None:
    r = handlers.open_case(seeded, OpenCase("licheng", "某", "城管局", ON, "clerk",
                                            {"matter": "m"}))
    from rongcuo.service.identity.authz import case_unit

    assert case_unit(seeded, r.case_id) == DEFAULT_UNIT
    with pytest.raises(CaseNotFound):
        queries.case_view(seeded, r.case_id, principal=who(seeded, "handler"))
    with pytest.raises(InvalidInput) as e:
        handlers.fire(seeded, FireStep(r.case_id, "file", ON, "user:x:y@z|n"))
    assert e.value.code == "actor.reserved"


def test_roles_per_trigger(seeded: App) -> None:
    case = open_as(seeded, "handler")
    with pytest.raises(Forbidden) as e:
        fire_as(seeded, "auditor", case, "file")
    assert e.value.code == "authz.forbidden"
    with pytest.raises(Forbidden):
        open_as(seeded, "inv1")


def _to_verifying(app: App) -> str:
    case = open_as(app, "handler")
    fire_as(app, "handler", case, "file")
    fire_as(app, "handler", case, "assign_investigator", investigator="inv1")
    fire_as(app, "handler", case, "assign_investigator", investigator="inv2")
    fire_as(app, "handler", case, "start_verification")
    return case


def test_investigators_act_only_on_their_cases_and_recusal_ends_it(seeded: App) -> None:
    case = _to_verifying(seeded)
    seed_extra = open_as(seeded, "handler", "另案")
    fire_as(seeded, "handler", seed_extra, "file")
    with pytest.raises(InvalidInput) as e:  # only a user of the unit with the role
        fire_as(seeded, "handler", seed_extra, "assign_investigator", investigator="李四")
    assert e.value.code == "authz.unknown_user"
    fire_as(seeded, "inv1", case, "pause_clock", kind="鉴定")
    fire_as(seeded, "handler", case, "recuse", investigator="inv1", reason="近亲属")
    with pytest.raises(Forbidden) as e2:  # recused: at once
        fire_as(seeded, "inv1", case, "resume_clock")
    assert e2.value.code == "authz.not_assigned" and e2.value.article == "历城办法第十六条"
    fire_as(seeded, "inv2", case, "resume_clock")


def test_four_eyes_on_the_extension(seeded: App) -> None:
    case = _to_verifying(seeded)
    with pytest.raises(Refused) as e:  # a user without head
        fire_as(seeded, "handler", case, "extend_investigation", days=10, proposed_by="inv1")
    assert e.value.code == "approval.role_required" and e.value.article == "历城办法第十七条"
    with pytest.raises(Refused) as e:  # the proposer approving
        fire_as(seeded, "head", case, "extend_investigation", days=10, proposed_by="head")
    assert e.value.code == "approval.four_eyes"
    with pytest.raises(Refused) as e:  # no proposer
        fire_as(seeded, "head", case, "extend_investigation", days=10)
    assert e.value.code == "approval.no_proposer"
    with pytest.raises(Refused) as e:  # naming another approver
        fire_as(seeded, "head", case, "extend_investigation", days=10, proposed_by="handler",
                approved_by="区长")
    assert e.value.code == "approval.approver_not_self"
    fire_as(seeded, "head", case, "extend_investigation", days=10, proposed_by="handler")
    last = queries.history(seeded, case)[-1]
    assert last.data["approved_by"] == "head" and last.data["proposed_by"] == "handler"
    assert parse_actor(last.actor) == {"kind": "user", "id": who(seeded, "head").id,
                                       "login": "head", "unit": "lc-jd", "name": "刘负责"}


def test_every_event_names_its_user(seeded: App) -> None:
    case = _to_verifying(seeded)
    for e in queries.history(seeded, case):
        a = parse_actor(e.actor)
        assert a["kind"] == "user" and a["unit"] == "lc-jd" and a["name"]


GUIAN = Path(__file__).resolve().parents[1] / "fixtures" / "workflows" / "identity"


def test_guian_determination_takes_effect_only_on_a_committee_approval(
        db_url: str, clock: FixedClock) -> None:
    """贵安细则第八条第（三）项: the conclusion is 报同级党委研究批准 — a head cannot approve
    it, nor the committee member who proposed it; a committee user's approval can."""
    app = bootstrap(db_url, clock=clock, definitions=load_definitions(GUIAN), migrate=True)
    try:
        seed(app)
        p = who(app, "handler")
        case = handlers.open_case(app, OpenCase("guian_committee", "某", "某局", ON, p.actor,
                                                principal=p)).case_id
        fire_as(app, "handler", case, "propose")
        with pytest.raises(Refused) as e:
            fire_as(app, "head", case, "approve", proposed_by="handler")
        assert e.value.code == "approval.role_required"
        assert e.value.article == "贵安细则第八条第（三）项"
        with pytest.raises(Refused) as e:
            fire_as(app, "committee", case, "approve", proposed_by="committee")
        assert e.value.code == "approval.four_eyes"
        assert fire_as(app, "committee", case, "approve", proposed_by="handler") == "determined"
        last = queries.history(app, case)[-1]
        assert last.data["approved_by"] == "committee"
        assert parse_actor(last.actor)["login"] == "committee"
    finally:
        app.close()


def test_the_validator_refuses_an_unknown_role(tmp_path: Path) -> None:
    text = (GUIAN / "guian_committee.yaml").read_text("utf-8")
    (tmp_path / "bad.yaml").write_text(text.replace("roles: [committee]", "roles: [janitor]")
                                       .replace("approval: {role: committee",
                                                "approval: {role: porter"), "utf-8")
    with pytest.raises(DefinitionError) as e:
        load_definitions(tmp_path)
    assert "janitor" in str(e.value) and "porter" in str(e.value)


def test_demo_data_only_on_an_empty_database(seeded: App) -> None:
    """`rongcuo serve --demo`'s data: refused once anything is there; its sample cases sit in
    their units (the agency's case is not the supervision body's)."""
    from rongcuo.service.identity import demo

    ids = demo.sample_cases(seeded, ON)
    with pytest.raises(InvalidInput) as e:
        demo.seed(seeded)
    assert e.value.code == "demo.not_empty"
    seen = {v.record.id for v in queries.list_cases(seeded, queries.CaseFilter(),
                                                    who(seeded, "handler"))}
    assert seen == set(ids[:2])
    assert queries.case_view(seeded, ids[0]).record.state.facts["investigators"] == [
        "inv1", "inv2"]

"""Authorization, enforced in the service layer for every entry point (issue 14).

* **Cases of one's own unit.**  A user or token sees and acts on the cases of the units it
  sees (its own, and those below it where configured); any other case answers exactly as a
  case that does not exist (:class:`~rongcuo.service.errors.CaseNotFound`).
* **Roles per trigger.**  A definition's trigger lists the roles that may fire it
  (``roles:``); a trigger without the list (an archived definition written before roles
  existed) may be fired by :data:`DEFAULT_STEP_ROLES`.
* **Investigators on their own cases** (历城办法第十六条): a user who may fire a trigger only
  as an ``investigator`` must be among the case's assigned investigators; a recused
  investigator is no longer among them, so loses the right at once.  An investigator named
  in a step's data must be an active user of the case's unit with the ``investigator`` role.
* **Four eyes** (审批): a trigger declaring ``approval:`` is fired by the approver, who must
  hold the approval's role and must not be the proposer named in the step's data; the
  approver field (``approved_by``) is filled with the approver's login.
* The operator (``--by``) is not restricted; what it records reads as an operator action.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rongcuo.adapters.db.records import CaseRecord
from rongcuo.adapters.identity import repo
from rongcuo.domain.errors import InvalidInput, Refused
from rongcuo.domain.identity import DEFAULT_UNIT, ROLES, is_principal_text
from rongcuo.domain.messages import message
from rongcuo.service.context import App
from rongcuo.service.errors import CaseNotFound, Forbidden, ReporterNotFound
from rongcuo.service.identity.principal import Principal

DEFAULT_STEP_ROLES = ("handler", "head")
READ_ROLES = tuple(ROLES)  # every role reads the cases of its units

NOT_FOUND = message("case.not_found", "找不到案件“{ref}”（请使用案件 id 或案件编号）",
                    "no case {ref!r} (give the case id or its number)")
ROLE_MISSING = message("authz.forbidden", "您没有“{what_zh}”所需的角色（需要：{need}）",
                       "you hold no role that may {what_en} (needs: {need})")
NOT_ASSIGNED = message(
    "authz.not_assigned",
    "只有本案已指派且未回避的调查人员才能记录“{label}”（{login} 不是本案的调查人员）",
    "only an investigator assigned to this case and not recused may record {trigger!r} "
    "({login} is not one)")
APPROVER_ROLE = message("approval.role_required", "“{label}”须由具有“{role_zh}”角色的人员批准",
                        "{trigger!r} must be approved by a user with the {role!r} role")
NO_PROPOSER = message("approval.no_proposer", "须写明提出人（{field}），批准人不能自行提出并批准",
                      "name the proposer ({field}): an approver cannot propose and approve alone")
SAME_PERSON = message("approval.four_eyes", "批准人不得是提出人本人（{login}）",
                      "the approver must not be the proposer ({login})")
APPROVER_NOT_SELF = message("approval.approver_not_self",
                            "批准人（{field}）只能是记录本步骤的用户本人（{login}）",
                            "the approver ({field}) can only be the user recording the step "
                            "({login})")
UNKNOWN_USER = message("authz.unknown_user", "“{value}”不是本机构中具有“{role_zh}”角色的有效用户",
                       "{value!r} is not an active user of this unit with the {role!r} role")
UNKNOWN_PROPOSER = message("authz.unknown_user/proposer", "提出人“{value}”不是本机构的有效用户",
                           "the proposer {value!r} is not an active user of this unit")
RESERVED_ACTOR = message("actor.reserved",
                         "记录人不能以 user: 或 token: 开头（这是登录用户的记录方式）",
                         "the recorder must not start with user: or token: (reserved for "
                         "signed-in users)")


def not_found(ref: str) -> CaseNotFound:
    return CaseNotFound.of(NOT_FOUND, ref=ref)


def check_operator_text(actor: str) -> None:
    """An operator's free text never looks like a signed-in user's record."""
    if is_principal_text(actor):
        raise InvalidInput.of(RESERVED_ACTOR, details={"field": "actor"})


_UNITS: dict[tuple[int, str], str] = {}
_UNITS_MAX = 50_000


def case_unit(app: App, case_id: str) -> str:
    """The unit of a case.  Written once, in the unit of work that opens the case, and never
    changed, so a process keeps what it read (bounded; keyed by the store)."""
    key = (id(app.store), case_id)
    unit = _UNITS.get(key)
    if unit is None:
        unit = repo.case_units(app.store.engine, [case_id])[case_id]
        if unit != DEFAULT_UNIT:  # a default answer may be a row not yet visible: ask again
            if len(_UNITS) >= _UNITS_MAX:
                _UNITS.clear()
            _UNITS[key] = unit
    return unit


def check_case(app: App, principal: Principal | None, case: CaseRecord, ref: str) -> None:
    """A case ``principal`` may not see is not found."""
    if principal is None or principal.is_operator:
        return
    if not principal.sees(case_unit(app, case.id)):
        raise not_found(ref)


def visible_ids(app: App, principal: Principal | None, ids: list[str]) -> set[str]:
    if principal is None or principal.is_operator:
        return set(ids)
    units = repo.case_units(app.store.engine, ids)
    return {i for i in ids if principal.sees(units[i])}


def require_role(principal: Principal | None, roles: tuple[str, ...], what: tuple[str, str]
                 ) -> None:
    """Refuse (403) a principal holding none of ``roles``."""
    if principal is None or principal.has(*roles):
        return
    raise Forbidden.of(ROLE_MISSING, what_zh=what[0], what_en=what[1], need=", ".join(roles),
                       details={"roles": list(roles)})


def open_unit(app: App, principal: Principal | None, unit_id: str | None) -> str:
    """The unit a new case belongs to: the user's own (or one below it that the user sees);
    an operator's choice, else ``default``."""
    if principal is not None and not principal.is_operator:
        if unit_id is not None and not principal.sees(unit_id):
            raise InvalidInput.of(UNKNOWN_UNIT, unit=unit_id)
        return unit_id or principal.unit_id
    if unit_id is not None and repo.unit(app.store.engine, unit_id) is None:
        raise InvalidInput.of(UNKNOWN_UNIT, unit=unit_id)
    return unit_id or DEFAULT_UNIT


def set_case_unit_in(conn: Any, case_id: str, unit_id: str) -> None:
    """Inside the unit of work that opens the case."""
    repo.set_case_unit_in(conn, case_id, unit_id)


UNKNOWN_UNIT = message("authz.unknown_unit", "没有您可以使用的机构“{unit}”",
                       "no unit {unit!r} you may use")


def check_step(app: App, principal: Principal | None, spec: Any, case: CaseRecord | None,
               data: Mapping[str, Any], unit_id: str) -> dict[str, Any]:
    """Whether ``principal`` may fire trigger ``spec`` on ``case`` (None: opening); returns
    the step's data with the approver filled in."""
    out = dict(data)
    if principal is None or principal.is_operator:
        return out
    approval = getattr(spec, "approval", None)
    if approval is not None:
        _check_approval(app, principal, spec, approval, out, unit_id)
    allowed = tuple(getattr(spec, "roles", ()) or DEFAULT_STEP_ROLES)
    require_role(principal, allowed, (spec.label_zh, f"record {spec.name!r}"))
    only_as_investigator = not principal.roles & (set(allowed) - {"investigator"})
    # may fire it only as an investigator: on cases assigned to them (art. 16)
    if (case is not None and only_as_investigator
            and principal.login not in (case.state.facts.get("investigators") or ())):
        raise Forbidden.of(NOT_ASSIGNED, label=spec.label_zh, trigger=spec.name,
                           login=principal.login, article="历城办法第十六条")
    if "investigator" in getattr(spec, "data", {}) and out.get("investigator"):
        _check_user(app, str(out["investigator"]), "investigator", unit_id)
    return out


def _check_approval(app: App, principal: Principal, spec: Any, approval: Any,
                    data: dict[str, Any], unit_id: str) -> None:
    if approval.role not in principal.roles:
        raise Refused.of(APPROVER_ROLE, label=spec.label_zh, trigger=spec.name,
                         role=approval.role, role_zh=ROLES[approval.role][0],
                         article=approval.article)
    proposer = data.get(approval.proposer)
    if not proposer:
        raise Refused.of(NO_PROPOSER, field=approval.proposer, article=approval.article)
    if str(proposer) == principal.login:
        raise Refused.of(SAME_PERSON, login=principal.login, article=approval.article)
    _check_user(app, str(proposer), None, unit_id)
    given = data.get(approval.approver)
    if given and str(given) != principal.login:
        raise Refused.of(APPROVER_NOT_SELF, field=approval.approver, login=principal.login,
                         article=approval.article)
    data[approval.approver] = principal.login


def _check_user(app: App, login: str, role: str | None, unit_id: str) -> None:
    row = repo.user_by(app.store.engine, login=login)
    if (row is None or not row["active"] or row["unit_id"] != unit_id
            or (role is not None and role not in row["roles"])):
        if role is None:
            raise InvalidInput.of(UNKNOWN_PROPOSER, value=login)
        raise InvalidInput.of(UNKNOWN_USER, value=login, role=role, role_zh=ROLES[role][0])


# ------------------------------------------------ corrections of the record (issue 15 §1)
CORRECTION_ROLES = ("handler", "head")
"""Who among the users may record a correction at all (an ``auditor`` changes nothing)."""

CORRECTION_APPROVER = message(
    "correction.approver_head",
    "{verb}须经本案所属机构（{unit}）的负责人批准，由批准的负责人本人记录（四眼原则）；"
    "{login} 不是该机构的负责人",
    "{verb_en} must be approved by a head of the case's unit ({unit}), who records it "
    "(four-eyes rule); {login} is not a head of that unit")


def check_correction(app: App, principal: Principal | None, case: CaseRecord, *,
                     verb: tuple[str, str], approved_by: str | None,
                     needs_approval: bool) -> str | None:
    """Whether ``principal`` may record a correction of ``case``; returns the approver.

    A signed-in user needs a role that may record (:data:`CORRECTION_ROLES`: 403 otherwise).
    An amendment or a voiding (``needs_approval``) is approved by a ``head`` **of the case's
    unit** who records it: the approver is the user recording (``approved_by`` is filled with
    their login; naming someone else is refused), so every approval is authenticated.  That the
    approver is not the corrected entry's author is the engine's rule (four eyes,
    ``correction.same_approver``).  A withdrawal by a user needs no approver; one given must
    be the user, a head of the unit.  The operator (``--by``) names the approver in free text.
    """
    if principal is None or principal.is_operator:
        return approved_by
    require_role(principal, CORRECTION_ROLES, (verb[0], f"record {verb[1]}"))
    if approved_by is not None and approved_by.strip() != principal.login:
        raise Refused.of(APPROVER_NOT_SELF, field="approved_by", login=principal.login)
    if not needs_approval and approved_by is None:
        return None
    unit = case_unit(app, case.id)
    if "head" not in principal.roles or principal.unit_id != unit:
        raise Refused.of(CORRECTION_APPROVER, verb=verb[0], verb_en=verb[1], unit=unit,
                         login=principal.login, details={"role": "head", "unit": unit})
    return principal.login


# ------------------------------------------------ a reporter's identity (issue 14, 17, 18)
REPORTER_NOT_FOUND = message(
    "reporter.not_found/hidden",
    "本案没有您可以查看的举报人身份（举报编号 {report_id}）",
    "no reporter's identity you may read on this case (report {report_id!r})")


def check_reveal(app: App, principal: Principal | None, case: CaseRecord,
                 report_id: str) -> None:
    """A reporter's identity is read only with the ``reports`` role in the case's unit; to
    anyone else it answers as a report without one (:class:`ReporterNotFound`, 404), so
    neither a report's reporter nor the role's existence leaks."""
    if principal is None or principal.is_operator:
        return
    if "reports" not in principal.roles or principal.unit_id != case_unit(app, case.id):
        raise ReporterNotFound.of(REPORTER_NOT_FOUND, report_id=report_id)

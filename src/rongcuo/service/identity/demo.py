"""A sample unit tree, a user for each role, and a few cases (``rongcuo serve --demo`` on an
empty database; the tests' fixture).

The tree: ``lc`` 历城区司法局 (supervision) above ``lc-jd`` 历城区行政执法监督科
(supervision: the cases are handled here) and ``lc-cg`` 历城区综合行政执法局 (agency).  Each
role has one user in ``lc-jd`` (two investigators, for 历城办法第十六条's two), the agency
has a handler and a head of its own, and ``lc`` has a head who sees the units below.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from rongcuo.adapters.identity import repo
from rongcuo.domain.errors import InvalidInput
from rongcuo.domain.messages import message
from rongcuo.service.context import App
from rongcuo.service.identity.accounts import add_unit, add_user

UNITS = (
    ("lc", "历城区司法局", "supervision", None),
    ("lc-jd", "历城区行政执法监督科", "supervision", "lc"),
    ("lc-cg", "历城区综合行政执法局", "agency", "lc"),
)
USERS = (
    # login, display name, unit, roles, sees the units below
    ("handler", "王承办", "lc-jd", ("handler",), False),
    ("inv1", "李调查", "lc-jd", ("investigator",), False),
    ("inv2", "赵调查", "lc-jd", ("investigator",), False),
    ("head", "刘负责", "lc-jd", ("head",), False),
    ("committee", "陈党组", "lc-jd", ("committee",), False),
    ("auditor", "周审计", "lc-jd", ("auditor",), False),
    ("reports", "吴查阅", "lc-jd", ("reports",), False),
    ("admin", "郑管理", "lc-jd", ("admin",), False),
    ("cg-handler", "孙承办", "lc-cg", ("handler",), False),
    ("cg-head", "钱负责", "lc-cg", ("head",), False),
    ("lc-head", "冯局长", "lc", ("head", "auditor"), True),
)

NOT_EMPTY = message("demo.not_empty", "示例数据只能在空数据库中创建（已有案件、用户或机构）",
                    "the demo data is created on an empty database only (it has cases, "
                    "users or units)")


@dataclass(frozen=True)
class DemoUser:
    login: str
    name: str
    unit: str
    roles: tuple[str, ...]
    password: str


def random_password() -> str:
    """A password the policy accepts (letters and digits), shown once."""
    return "Rc" + secrets.token_urlsafe(12) + "9"


def seed(app: App, password: Callable[[str], str] = lambda login: random_password()
         ) -> list[DemoUser]:
    """The unit tree and the users (refused unless the database is empty)."""
    if not repo.is_empty(app.store.engine):
        raise InvalidInput.of(NOT_EMPTY)
    for unit_id, name, kind, parent in UNITS:
        add_unit(app, unit_id, name, kind, parent)
    out = []
    for login, name, unit, roles, below in USERS:
        pw = password(login)
        add_user(app, login, name, unit, roles, pw, sees_subunits=below)
        out.append(DemoUser(login, name, unit, roles, pw))
    return out


def sample_cases(app: App, on: date) -> list[str]:
    """Three Licheng cases: two of ``lc-jd`` (one filed with its investigators), one of
    ``lc-cg`` — recorded by their units' handlers on ``on``."""
    from rongcuo.service import handlers
    from rongcuo.service.commands import FireStep, OpenCase
    from rongcuo.service.identity.accounts import principal_for_login

    jd, cg = principal_for_login(app, "handler"), principal_for_login(app, "cg-handler")
    ids = []
    for who, subject, matter in ((jd, "张某（城管执法队员）", "占道经营处罚程序瑕疵"),
                                 (jd, "李某（市场监管所）", "抽检超期"),
                                 (cg, "赵某（执法中队）", "扣押物品登记不全")):
        r = handlers.open_case(app, OpenCase("licheng", subject, "历城区综合行政执法局", on,
                                             who.actor, {"matter": matter}, principal=who))
        ids.append(r.case_id)
    first = ids[0]
    for trigger, data in (("file", {}), ("assign_investigator", {"investigator": "inv1"}),
                          ("assign_investigator", {"investigator": "inv2"})):
        handlers.fire(app, FireStep(first, trigger, on, jd.actor, data, principal=jd))
    return ids

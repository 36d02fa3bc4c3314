"""The tolerance family through the case worker's CLI, from open to ``closed``, on real dates
around 春节, 清明 and 国庆 2026 — every deadline shown after every step, and the refusals of
the procedure's table with the article each cites; on SQLite and on PostgreSQL.

Counted by hand (2026 notice): 春节 02-15..02-23 off, 02-14 (Sat) and 02-28 (Sat) worked;
清明 04-04..04-06 off.  The start day is not counted; a last day on a rest day rolls to the next
working day (Civil Code arts. 201, 203).
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from freezegun import freeze_time

from rongcuo.entrypoints.cli.main import cli

TODAY = "2026-12-01T02:00:00+00:00"  # 10:00 CST


class Worker:
    """``rongcuo`` commands against one database, for one workflow."""

    def __init__(self, db: str, workflow: str) -> None:
        self.db, self.workflow = db, workflow
        self.runner = CliRunner()

    def run(self, *args: str, ok: bool = True) -> Any:
        with freeze_time(TODAY):
            res = self.runner.invoke(cli, [*args, "--db", self.db], catch_exceptions=False)
        if ok:
            assert res.exit_code == 0, res.output
        return res

    def open(self, on: str, *sets: str, ok: bool = True) -> Any:
        args = ["case", "open", "--workflow", self.workflow, "--subject", "张某",
                "--agency", "综合行政执法队", "--on", on, "--by", "队长"]
        for s in sets:
            args += ["--set", s]
        res = self.run(*args, ok=ok)
        return str(res.stdout.strip().splitlines()[-1]) if ok else res

    def fire(self, case: str, trigger: str, on: str, *sets: str, ok: bool = True) -> Any:
        args = ["case", "fire", case, trigger, "--on", on, "--by", "队长"]
        for s in sets:
            args += ["--set", s]
        return self.run(*args, ok=ok)

    def refusal(self, case: str | None, trigger: str, on: str, *sets: str) -> dict[str, Any]:
        """The refusal of a step (or of opening, with ``case`` None), as ``--json`` gives it."""
        given = [x for s in sets for x in ("--set", s)]
        if case is None:
            res = self.run("case", "open", "--workflow", self.workflow, "--subject", "张某",
                           "--agency", "综合行政执法队", "--on", on, "--by", "队长", "--json",
                           *given, ok=False)
        else:
            res = self.run("case", "fire", case, trigger, "--on", on, "--by", "队长", "--json",
                           *given, ok=False)
        assert res.exit_code != 0, res.output
        return dict(json.loads(res.stderr.strip().splitlines()[-1]))

    def deadlines(self, case: str) -> dict[str, tuple[str | None, str]]:
        shown = json.loads(self.run("case", "show", case, "--json").stdout)
        return {d["timer"]: (d["due"], d["status"]) for d in shown["deadlines"]}

    def show(self, case: str) -> dict[str, Any]:
        return dict(json.loads(self.run("case", "show", case, "--json").stdout))


SIX = ("subjective=出于公心", "objective=情况紧急", "procedure_method=程序基本合规",
       "nature_degree=情节轻微", "consequence=未造成重大损失", "loss_recovered=已挽回")

# per procedure: (workflow, short, ex-officio source, decider, situation, ¶2 key, 第X条 of
# determination / correction / tracking)
FAMILY = {
    "baiyintala": ("白音他拉制度", "党委启动", "苏木党委", "10.4", "10-2",
                   ("第十三条", "第十六条", "第十二条")),
    "pu_tolerance": ("蒲县容错制度", "党组启动", "所在单位党组", "11.1", "11-2",
                     ("第十四条", "第十七条", "第十三条")),
}
# the generic procedure (opened only once its adopter sets the notice period)
GENERIC = ("通用办法", "党组启动", "所在单位党组", "11.1", "11-2",
           ("第十四条", "第十七条", "第十三条"))


def walk(w: Worker, short: str, started: str, decider: str, situation: str, cond: str,
         arts: tuple[str, str, str]) -> str:
    """BYT-01 / PU-01 through the CLI, with the refusals met on the way."""
    det, corr, excl = (short + a for a in arts)
    err = w.refusal(None, "open", "2026-02-02", "matter=占道经营处罚", "source=个人申请")
    assert (err["error"], err["article"]) == ("input.required_when", det)
    case = w.open("2026-02-02", "matter=占道经营处罚", f"source={started}")
    assert w.deadlines(case) == {}  # no filing, investigation or determination period: 及时
    w.fire(case, "start_verification", "2026-02-03", "verified_by=综合行政执法队")
    w.fire(case, "record_verification", "2026-02-05", "note=调取执法记录仪")
    exempt = f"{situation},{cond}.1,{cond}.2,{cond}.3"
    err = w.refusal(case, "determine", "2026-02-10", "outcome=exempted",
                    f"items={situation},{cond}.1,{cond}.2", f"decided_by={decider}", *SIX)
    assert err["error"] == "guard.conditions_not_met" and err["article"].endswith("条第二款")
    err = w.refusal(case, "determine", "2026-02-10", "outcome=lighter",
                    f"items={situation},{_excl_item(short)}", f"decided_by={decider}", *SIX)
    assert (err["error"], err["article"]) == ("guard.exclusion_forbids_tolerance", excl)
    # 7 days from 02-10: day 7 = 02-17 in 春节 (02-15..02-23) → 02-24 (Tue)
    w.fire(case, "determine", "2026-02-10", "outcome=exempted", f"items={exempt}",
           f"decided_by={decider}", *SIX)
    assert w.deadlines(case) == {"notice": ("2026-02-24", "running")}
    err = w.refusal(case, "close", "2026-02-10")
    assert (err["error"], err["article"]) == ("guard.fact", det)
    # the correction, ordered with the decision: 02-10 + 30 = 03-12 (Thu)
    w.fire(case, "order_correction", "2026-02-10", "reasons=文书瑕疵", "correction_items=补正文书",
           "requirements=限期补正", "days=30")
    assert w.deadlines(case) == {"notice": ("2026-02-24", "running"),
                                 "correction": ("2026-03-12", "running")}
    err = w.refusal(case, "notify", "2026-02-24", "party_notified_on=2026-02-24",
                    "units=县司法局")
    assert (err["error"], err["article"]) == ("input.required_when", det)
    w.fire(case, "notify", "2026-02-24", "party_notified_on=2026-02-24", "units=县司法局",
           "units_notified_on=2026-02-24")
    w.fire(case, "publish", "2026-02-25", "scope=执法队内部")
    err = w.refusal(case, "waive_publication", "2026-02-25", "reason=涉密")
    assert (err["error"], err["article"]) == ("guard.fact", det)
    # extended by 15 → 03-27 (Fri); by another 10 → 04-06 (清明) → 04-07 (Tue)
    w.fire(case, "extend_correction", "2026-03-01", "days=15", "approved_by=队长",
           "reason=需外单位配合")
    assert w.deadlines(case)["correction"] == ("2026-03-27", "running")
    w.fire(case, "extend_correction", "2026-03-20", "days=10", "approved_by=队长",
           "reason=材料未齐")
    assert w.deadlines(case)["correction"] == ("2026-04-07", "running")
    w.fire(case, "track", "2026-03-25", "note=正在补正", "method=电话了解")
    err = w.refusal(case, "close", "2026-03-25")  # closing waits for the correction
    assert err["error"] == "case.wrong_state"
    w.fire(case, "record_report", "2026-03-26", "report_id=XF-2026-01", "kind=匿名",
           "allegation=执法程序瑕疵")
    w.fire(case, "explain_in_scope", "2026-03-26", "report_id=XF-2026-01", "finding=容错免责",
           "scope=执法队内部")
    w.fire(case, "complete_correction", "2026-04-02", "completion=已补正")
    assert w.deadlines(case) == {"notice": ("2026-02-24", "met"),
                                 "correction": ("2026-04-07", "met")}
    err = w.refusal(case, "extend_correction", "2026-04-03", "days=5", "approved_by=队长",
                    "reason=x")
    assert err["error"] == "case.wrong_state" and err["article"] == corr
    w.fire(case, "clear_name", "2026-04-03", "finding=诬告陷害", "method=会议说明", "scope=全队")
    w.fire(case, "close", "2026-04-08")
    return case


def _excl_item(short: str) -> str:
    return {"白音他拉制度": "12.1", "蒲县容错制度": "13.1", "通用办法": "13.1"}[short]


@pytest.mark.parametrize("workflow", sorted(FAMILY))
def test_walk_from_open_to_closed_around_spring_festival_and_qingming(
        db_url: str, workflow: str) -> None:
    """BYT-01 / PU-01 (and BYT-02, 04, 07, 08, 09 as refusals on the way): every deadline
    shown is the one counted by hand; every refusal cites its article."""
    w = Worker(db_url, workflow)
    w.run("db", "upgrade")
    case = walk(w, *FAMILY[workflow])
    shown = w.show(case)
    assert (shown["state"], shown["closed"]) == ("closed", True)
    assert shown["events"][-1]["trigger"] == "close"


def test_generic_refuses_to_open_until_configured_then_walks_with_the_adopters_days(
        db_url: str) -> None:
    """GEN-15 through the CLI: `case open --workflow generic` is refused (exit 3) naming the
    parameter, 通用办法第十四条 and how to set it; after `workflows configure generic --set
    notice_days=5` the walk of BYT-01 runs (5 days from 02-10 → 02-15, 春节 → 02-24).  GEN-17:
    set to 10 afterwards, the open case keeps 5 and a new case gets 10."""
    w = Worker(db_url, "generic")
    w.run("db", "upgrade")
    res = w.open("2026-02-02", "matter=m", "source=党组启动", ok=False)
    assert res.exit_code == 3
    assert "notice_days" in res.stderr and "通用办法第十四条" in res.stderr
    assert "rongcuo workflows configure generic --set notice_days=N" in res.stderr
    bad = w.runner.invoke(cli, ["workflows", "configure", "generic", "--set", "notice_days=七"])
    assert bad.exit_code == 3 and "notice_days" in bad.stderr
    assert w.runner.invoke(cli, ["workflows", "configure", "generic", "--set",
                                 "notice_days=5"]).exit_code == 0
    settings = Path(os.environ["RONGCUO_HOME"]) / "settings" / "generic.yaml"
    assert stat.S_IMODE(settings.stat().st_mode) == 0o600
    assert "notice_days: 5" in settings.read_text("utf-8")
    case = walk(w, *GENERIC)
    assert w.show(case)["events"][0]["data"]["parameters"] == {"notice_days": 5}
    shown = w.runner.invoke(cli, ["workflows", "configure", "generic", "--set", "notice_days=10",
                                  "--json"])
    assert json.loads(shown.stdout)["parameters"][0]["value"] == 10
    assert w.show(case)["events"][0]["data"]["parameters"] == {"notice_days": 5}
    fresh = w.open("2026-03-02", "matter=m2", "source=党组启动")
    w.fire(fresh, "start_verification", "2026-03-02", "verified_by=执法局")
    w.fire(fresh, "determine", "2026-03-02", "outcome=duty_fulfilled", "items=10.1",
           "decided_by=所在单位党组", *SIX)
    assert w.deadlines(fresh) == {"notice": ("2026-03-12", "running")}  # 10 days: 03-12 (Thu)


REPORT_ARTICLE = {"baiyintala": "第十八条", "pu_tolerance": "第十九条", "generic": "第十九条"}


@pytest.mark.parametrize("workflow", ["baiyintala", "pu_tolerance", "generic"])
def test_the_other_refusals_of_the_table_through_the_cli(db_url: str, workflow: str) -> None:
    """The refusals the first walk does not meet, each with its article (BYT-04, 05, 07, 08,
    10): a no-situation finding for a tolerant outcome (any_of), a situation cited for
    duty_fulfilled, feedback of 容错免责 on a lighter case, an extension after the correction
    period ended (2026-03-02 + 10 = 03-12 (Thu); refused on 03-13), closing a lighter case
    before its publication decision, publishing a not_tolerated one."""
    short, started, decider, situation, _, (det, corr, excl) = {**FAMILY,
                                                                 "generic": GENERIC}[workflow]
    w = Worker(db_url, workflow)
    w.run("db", "upgrade")
    if workflow == "generic":
        w.runner.invoke(cli, ["workflows", "configure", "generic", "--set", "notice_days=7"])
    case = w.open("2026-03-02", "matter=m", f"source={started}")
    w.fire(case, "start_verification", "2026-03-02", "verified_by=执法队")
    decided = (f"decided_by={decider}", *SIX)
    err = w.refusal(case, "determine", "2026-03-02", "outcome=lighter", "no_situation=均不符合",
                    *decided)
    assert (err["error"], err["article"]) == ("guard.any_of", short + excl)
    err = w.refusal(case, "determine", "2026-03-02", "outcome=duty_fulfilled",
                    f"items={situation}", *decided)
    assert err["error"] == "guard.items_match_outcome" and err["article"].startswith(short)
    w.fire(case, "determine", "2026-03-02", "outcome=lighter", f"items={situation}", *decided)
    w.fire(case, "record_report", "2026-03-02", "report_id=R1", "kind=匿名", "allegation=a")
    err = w.refusal(case, "explain_in_scope", "2026-03-02", "report_id=R1", "finding=容错免责",
                    "scope=s")
    assert (err["error"], err["article"]) == ("guard.fact_required_when",
                                              short + REPORT_ARTICLE[workflow])
    w.fire(case, "order_correction", "2026-03-02", "reasons=r", "correction_items=i",
           "requirements=q", "days=10")
    assert w.deadlines(case)["correction"] == ("2026-03-12", "running")
    err = w.refusal(case, "extend_correction", "2026-03-13", "days=5", "approved_by=队长",
                    "reason=x")
    assert (err["error"], err["article"]) == ("timer.already_ended", short + corr)
    w.fire(case, "complete_correction", "2026-03-13", "completion=已整改")
    w.fire(case, "notify", "2026-03-13", "party_notified_on=2026-03-13", "no_related_unit=无")
    err = w.refusal(case, "close", "2026-03-13")
    assert (err["error"], err["article"]) == ("guard.fact_required_when", short + det)
    w.fire(case, "waive_publication", "2026-03-13", "reason=涉及个人隐私")
    w.fire(case, "close", "2026-03-13")
    nt = w.open("2026-03-02", "matter=m2", f"source={started}")
    w.fire(nt, "start_verification", "2026-03-02", "verified_by=执法队")
    w.fire(nt, "determine", "2026-03-02", "outcome=not_tolerated", "no_situation=均不符合",
           *decided)
    err = w.refusal(nt, "publish", "2026-03-03", "scope=内部")
    assert (err["error"], err["article"]) == ("guard.outcome", short + det)

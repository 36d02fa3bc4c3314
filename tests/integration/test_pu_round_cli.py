"""蒲县评查制度第六条至第八条 — the evaluation round through the CLI, on SQLite and PostgreSQL:
which units, which files, who evaluates; at least five ordinary-procedure files per unit
(第八条, "通常": fewer only with a reason); concluding a round fulfils the body's yearly
obligation (第六条) as `rongcuo obligations status` shows."""

from __future__ import annotations

import json

import pytest

from tests.support.procedure_cli import Worker

TEAM = "城关镇综合行政执法队"


@pytest.fixture
def w(db_url: str) -> Worker:
    worker = Worker(db_url, "pu_evaluation_round", by="县司法局 张科长")
    worker.run("db", "upgrade")
    return worker


def _round(w: Worker, agency: str, kind: str, files: int, on: str = "2026-05-11") -> str:
    case: str = w.open(on, "2026年第1次评查", agency, f"round_kind={kind}", "year=2026",
                       "sequence_in_year=1", f"units={TEAM}")
    for name in ("李评查", "王评查"):
        w.fire(case, "assign_evaluator", on, f"evaluator={name}")
    w.fire(case, "start_sampling", on)
    for n in range(files):
        w.fire(case, "sample_file", on, f"unit={TEAM}", f"file=城关综执罚〔2026〕{n + 1}号",
               "procedure=普通程序", "case_type=行政处罚")
    w.fire(case, "sample_file", on, f"unit={TEAM}", "file=城关综执简〔2026〕1号",
           "procedure=简易程序", "case_type=行政处罚")  # drawn, but not counted (第八条)
    w.fire(case, "start_evaluation", on)
    return case


def test_a_unit_with_only_four_files_is_refused_citing_art_8(w: Worker) -> None:
    case = _round(w, "蒲县司法局", "县司法局组织", files=4)
    err = w.refused(case, "conclude", "2026-05-29", "representativeness=覆盖全年各类案件")
    assert (err["code"], err["article"]) == ("guard.round_sample_size", "蒲县评查制度第八条")
    assert TEAM in err["message_zh"] and "4件" in err["message_zh"]
    # "通常": fewer with the reason recorded
    w.fire(case, "conclude", "2026-05-29", "representativeness=本年度仅办结4件普通程序案件",
           "fewer_reason=该队本年度普通程序案件仅4件")
    assert w.show(case)["state"] == "concluded"


def test_a_file_is_drawn_once_and_evaluation_needs_two_evaluators(w: Worker) -> None:
    case: str = w.open("2026-05-11", "2026年第2次内部评查", TEAM, "round_kind=内部评查",
                       "year=2026", "sequence_in_year=2", f"units={TEAM}")
    w.fire(case, "assign_evaluator", "2026-05-11", "evaluator=李评查")
    w.fire(case, "start_sampling", "2026-05-11")
    w.fire(case, "sample_file", "2026-05-11", f"unit={TEAM}", "file=罚1号",
           "procedure=普通程序", "case_type=行政处罚")
    err = w.refused(case, "sample_file", "2026-05-11", f"unit={TEAM}", "file=罚1号",
                    "procedure=普通程序", "case_type=行政处罚")
    assert (err["code"], err["article"]) == ("guard.record", "蒲县评查制度第十条")
    err = w.refused(case, "start_evaluation", "2026-05-12")
    assert (err["code"], err["article"]) == ("guard.min_evaluators", "蒲县评查制度第七条")


def test_concluding_rounds_fulfils_the_yearly_obligations(w: Worker) -> None:
    """第六条: the county's evaluations (≥ 2 a year) and a team's own (≥ 4): a concluded
    county round counts 1 of 2 for the bureau; a team's internal round 1 of 4 for the team;
    a round not concluded counts nothing."""
    w.run("obligations", "register", "pu-sfj", "--name", "蒲县司法局", "--kind",
          "county_justice_bureau", "--since", "2026-01-01", "--by", "县司法局 张科长")
    w.run("obligations", "register", "chengguan", "--name", TEAM, "--kind",
          "enforcement_team", "--since", "2026-01-01", "--by", "县司法局 张科长")
    county = _round(w, "蒲县司法局", "县司法局组织", files=5)
    w.fire(county, "conclude", "2026-05-29", "representativeness=覆盖各阶段")
    internal = _round(w, "chengguan", "内部评查", files=5, on="2026-06-01")
    w.fire(internal, "conclude", "2026-06-15", "representativeness=覆盖各阶段")
    _round(w, "chengguan", "内部评查", files=5, on="2026-06-16")  # still evaluating
    out = w.run("obligations", "status", "--as-of", "2026-06-30", "--json").stdout
    lines = {(x["obligation"], x["unit_id"] if "unit_id" in x else x.get("unit"), x["period"]): x
             for x in json.loads(out)}
    bureau = next(v for k, v in lines.items() if k[0] == "pu.county_evaluations"
                  and k[2] == "2026")
    team = next(v for k, v in lines.items() if k[0] == "pu.internal_evaluations"
                and k[2] == "2026")
    assert (bureau["done"], bureau["min"], bureau["status"]) == (1, 2, "open")
    assert (team["done"], team["min"]) == (1, 4)


def test_a_team_with_three_internal_rounds_is_marked_overdue_once(w: Worker) -> None:
    """第六条 "内部的行政执法案卷评查每年不少于四次": three internal rounds concluded in 2026 →
    after 24:00 CST on 31 December the team's obligation is overdue, marked once however often
    the sweep runs."""
    from click.testing import CliRunner
    from freezegun import freeze_time

    from rongcuo.entrypoints.cli.main import cli

    w.run("obligations", "register", "chengguan", "--name", TEAM, "--kind",
          "enforcement_team", "--since", "2026-01-01", "--by", "县司法局 张科长")
    for on, end in (("2026-03-02", "2026-03-20"), ("2026-06-01", "2026-06-19"),
                    ("2026-09-01", "2026-09-18")):
        case = _round(w, "chengguan", "内部评查", files=5, on=on)
        w.fire(case, "conclude", end, "representativeness=覆盖各阶段")

    def sweep(now: str) -> list[tuple[str, str, str]]:
        with freeze_time("2027-01-02T02:00:00+00:00"):
            res = CliRunner().invoke(cli, ["obligations", "sweep", "--now", now, "--json",
                                           "--db", w.db])
        assert res.exit_code == 0, res.output
        return [(n["obligation"], n["period"], n["notice"]) for n in json.loads(res.output)[
            "notices"] if n["obligation"] == "pu.internal_evaluations"]

    assert ("pu.internal_evaluations", "2026", "overdue") in sweep("2027-01-01T00:05")
    assert ("pu.internal_evaluations", "2026", "overdue") not in sweep("2027-01-01T08:00")
    with freeze_time("2027-01-02T02:00:00+00:00"):
        out = CliRunner().invoke(cli, ["obligations", "status", "--as-of", "2027-01-01",
                                       "--json", "--db", w.db]).output
    line = next(x for x in json.loads(out) if x["obligation"] == "pu.internal_evaluations"
                and x["period"] == "2026")
    assert (line["done"], line["min"]) == (3, 4)

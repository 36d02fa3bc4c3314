"""A case worker at the CLI for any shipped procedure: opens, fires, reads deadlines and
refusals (code and article) as ``rongcuo … --json`` prints them."""

from __future__ import annotations

import json
from typing import Any

from click.testing import CliRunner, Result
from freezegun import freeze_time

from rongcuo.entrypoints.cli.main import cli

TODAY = "2026-12-01T02:00:00+00:00"  # 10:00 CST, 2026-12-01: every walk lies before it


class Worker:
    """Runs ``rongcuo`` commands against one database for one workflow."""

    def __init__(self, db: str, workflow: str, by: str = "办案人员") -> None:
        self.db, self.workflow, self.by = db, workflow, by
        self.runner = CliRunner()
        self.outputs: list[str] = []  # everything every command printed (logs go to stderr)

    def run(self, *args: str, ok: bool = True, stdin: str | None = None) -> Result:
        with freeze_time(TODAY):
            res = self.runner.invoke(cli, [*args, "--db", self.db], input=stdin,
                                     catch_exceptions=False)
        self.outputs.append(res.stdout + res.stderr)
        if ok:
            assert res.exit_code == 0, res.output
        return res

    def open(self, on: str, subject: str, agency: str, *sets: str, ok: bool = True) -> Any:
        args = ["case", "open", "--workflow", self.workflow, "--subject", subject,
                "--agency", agency, "--on", on, "--by", self.by]
        for s in sets:
            args += ["--set", s]
        res = self.run(*args, ok=ok)
        return str(res.stdout.strip().splitlines()[-1]) if ok else res

    def fire(self, case: str, trigger: str, on: str, *sets: str, ok: bool = True,
             extra: tuple[str, ...] = (), stdin: str | None = None) -> Result:
        args = ["case", "fire", case, trigger, "--on", on, "--by", self.by, *extra]
        for s in sets:
            args += ["--set", s]
        return self.run(*args, ok=ok, stdin=stdin)

    def refused(self, case: str, trigger: str, on: str, *sets: str) -> dict[str, Any]:
        """The refusal of a step (``--json``): its code, article and messages; nothing stored."""
        before = len(self.show(case)["events"])
        res = self.fire(case, trigger, on, *sets, ok=False, extra=("--json",))
        assert res.exit_code != 0, res.output
        assert len(self.show(case)["events"]) == before
        # the refusal is the JSON line with "error" (log lines may share stderr)
        lines = [json.loads(x) for x in res.stderr.splitlines() if x.startswith("{")]
        err = dict(next(x for x in reversed(lines) if "error" in x))
        err["code"] = err.pop("error")
        return err

    def show(self, case: str) -> dict[str, Any]:
        return dict(json.loads(self.run("case", "show", case, "--json").stdout))

    def deadlines(self, case: str) -> dict[str, tuple[str | None, str]]:
        return {d["timer"]: (d["due"], d["status"]) for d in self.show(case)["deadlines"]}

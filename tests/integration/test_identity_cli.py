"""`rongcuo units/users/tokens` and `case … --as LOGIN` (issue 14), on SQLite and PostgreSQL:
the password only from standard input and never printed, the token printed once, a step
recorded ``--as`` a user carries that user and their permissions, ``--by`` stays an operator
action."""

from __future__ import annotations

import json

from click.testing import CliRunner

from rongcuo.entrypoints.cli.main import cli

PW = "Tq7-secret-Zk9x"


def _run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    r = CliRunner().invoke(cli, list(args), input=input)
    return r.exit_code, r.stdout, r.stderr


def test_units_users_tokens_and_as(db_url: str) -> None:
    db = ["--db", db_url]
    assert _run("db", "upgrade", *db)[0] == 0  # PostgreSQL is migrated by the operator
    assert _run("units", "add", "jd", "--name", "监督科", "--kind", "supervision", *db)[0] == 0
    assert _run("units", "add", "cg", "--name", "城管局", "--kind", "agency", *db)[0] == 0
    code, out, err = _run("users", "add", "wang", "--name", "王科长", "--unit", "jd",
                          "--role", "handler", "--password-stdin", *db, input=PW + "\n")
    assert code == 0 and PW not in out + err
    code, _, err = _run("users", "add", "weak", "--name", "弱", "--unit", "jd", "--role",
                        "handler", "--password-stdin", *db, input="abc\n")
    assert code == 3 and "密码不符合要求" in err
    code, out, _ = _run("users", "list", "--json", *db)
    users = json.loads(out)
    assert [u["login"] for u in users] == ["wang"] and "password_hash" not in out
    code, out, err = _run("tokens", "create", "oa", "--unit", "jd", "--role", "handler", *db)
    token = out.strip().splitlines()[-1]
    assert code == 0 and token.startswith("rc_")
    code, out, _ = _run("tokens", "list", "--json", *db)
    assert token not in out and json.loads(out)[0]["name"] == "oa"
    assert _run("tokens", "revoke", json.loads(out)[0]["id"], *db)[0] == 0
    code, out, _ = _run("case", "open", "--workflow", "licheng", "--subject", "张某",
                        "--agency", "城管局", "--on", "2025-09-26", "--as", "wang",
                        "--set", "matter=m", *db)
    assert code == 0, out
    case = out.strip().splitlines()[-1]
    code, out, _ = _run("case", "fire", case, "file", "--on", "2025-09-26", "--by", "值班员",
                        "--json", *db)
    assert code == 0
    code, out, _ = _run("case", "show", case, "--json", *db)
    events = json.loads(out)["events"]
    assert events[0]["recorded_by"]["login"] == "wang"
    assert events[0]["recorded_by"]["unit"] == "jd"
    assert events[1]["recorded_by"] == {"kind": "operator", "name": "值班员"}
    # --as carries the user's permissions: a handler may not approve an extension
    code, _, err = _run("case", "fire", case, "extend_investigation", "--on", "2025-09-26",
                        "--as", "wang", "--set", "days=5", *db)
    assert code == 3 and "负责人" in err
    assert _run("case", "fire", case, "file", "--on", "2025-09-26", *db)[0] == 2  # neither

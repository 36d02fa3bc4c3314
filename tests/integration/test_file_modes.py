"""Files only their owner can read (fault issue, section 5): on a shared server every local
account could copy the whole record — the embedded database was created -rw-r--r-- in a
drwxr-xr-x folder, and so were the backups.

With the usual umask 022: the data folder rongcuo creates is 0700; the SQLite database, its
-wal and -shm, the sweeper's lock file and every backup are 0600; `rongcuo db upgrade` warns
about an existing database or home that others can open, naming the path and the chmod.  The
systemd units run under a dedicated account with UMask=0077 and a read-only system.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from rongcuo.bootstrap import bootstrap
from rongcuo.clock import CST, FixedClock
from rongcuo.entrypoints.cli.main import cli
from tests.support.walks import licheng_to_determined

REPO = Path(__file__).resolve().parents[2]
UNITS = sorted((REPO / "ops" / "systemd").glob("*.service"))


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def test_a_new_embedded_database_and_its_wal_files_are_the_owners_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, umask_022: None
) -> None:
    """Umask 022, no data folder yet: the first command creates RONGCUO_HOME (and its parent)
    0700 and rongcuo.sqlite3 0600; after a step and a sweep, the -wal and -shm SQLite made
    and the sweeper's lock file are 0600 as well."""
    home = tmp_path / "srv" / "rongcuo"
    monkeypatch.setenv("RONGCUO_HOME", str(home))
    app = bootstrap(clock=FixedClock(datetime(2025, 9, 28, 10, tzinfo=CST)))
    try:
        licheng_to_determined(app, opened=date(2025, 9, 1), determined=date(2025, 9, 28))
        res = CliRunner().invoke(cli, ["scheduler", "sweep", "--now", "2025-09-30T00:05"])
        assert res.exit_code == 0, res.output
        db = home / "rongcuo.sqlite3"
        wal, shm = Path(f"{db}-wal"), Path(f"{db}-shm")
        assert wal.exists() and shm.exists()  # the connection is still open
        assert (mode(tmp_path / "srv"), mode(home)) == (0o700, 0o700)
        assert {p.name: mode(p) for p in (db, wal, shm, Path(f"{db}-sweeper.lock"))} == {
            "rongcuo.sqlite3": 0o600, "rongcuo.sqlite3-wal": 0o600,
            "rongcuo.sqlite3-shm": 0o600, "rongcuo.sqlite3-sweeper.lock": 0o600}
    finally:
        app.close()


def test_every_backup_is_the_owners_only(
    db_url: str, tmp_path: Path, umask_022: None
) -> None:
    """`ops/backup.sh DESTDIR` with umask 022 writes its dump (pg_dump or SQLite .backup)
    0600 into a DESTDIR it creates 0700."""
    if db_url.startswith("sqlite") and shutil.which("sqlite3") is None:
        pytest.skip("the sqlite3 shell is not installed")
    bootstrap(db_url, migrate=True).close()
    dest = tmp_path / "backups" / "daily"
    env = {**os.environ, "RONGCUO_DATABASE_URL": db_url}
    out = subprocess.run(["bash", str(REPO / "ops" / "backup.sh"), str(dest)], env=env,
                         capture_output=True, text=True, check=True).stdout.strip()
    file = Path(out)
    assert file.parent == dest and file.stat().st_size > 0
    assert (mode(dest), mode(file)) == (0o700, 0o600)


def test_db_upgrade_warns_about_a_database_and_home_others_can_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database made before this release (0644 in a 0755 home): `rongcuo db upgrade`
    migrates it and warns, in Chinese and English, naming each path and the chmod that closes
    it; once fixed, it says nothing."""
    home = tmp_path / "home"
    monkeypatch.setenv("RONGCUO_HOME", str(home))
    bootstrap().close()
    db = home / "rongcuo.sqlite3"
    os.chmod(home, 0o755)
    os.chmod(db, 0o644)
    res = CliRunner().invoke(cli, ["db", "upgrade"])
    assert res.exit_code == 0, res.output
    assert f"请运行：chmod 700 {home}" in res.stderr
    assert f"warning: {db} has mode 0644: other local accounts can open it" in res.stderr
    assert f"run: chmod 600 {db}" in res.stderr
    os.chmod(home, 0o700)
    os.chmod(db, 0o600)
    again = CliRunner().invoke(cli, ["db", "upgrade"])
    assert again.exit_code == 0 and "warning" not in again.stderr


class _Section(dict[str, str]):
    """A unit section: the last value of each key, and every value of repeated ones."""

    def __init__(self) -> None:
        super().__init__()
        self.all: dict[str, list[str]] = {}

    def get_all(self, key: str) -> list[str]:
        return self.all.get(key, [])


def service_section(unit: Path) -> _Section:
    section, out = "", _Section()
    for raw in unit.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("["):
            section = line
        elif section == "[Service]" and "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            out[key] = value
            out.all.setdefault(key, []).append(value)
    return out


def test_there_is_a_unit_for_the_scheduler_and_one_for_the_server() -> None:
    assert [u.name for u in UNITS] == ["rongcuo-scheduler.service", "rongcuo-server.service"]


@pytest.mark.parametrize("unit", UNITS, ids=[u.name for u in UNITS])
def test_the_systemd_units_run_as_a_dedicated_user_with_a_private_umask(unit: Path) -> None:
    """Scheduler and server: a dedicated account, UMask=0077, the system read-only except the
    data folder, no privilege gain, a private /tmp."""
    svc = service_section(unit)
    assert svc["User"] == "rongcuo" and svc["Group"] == "rongcuo"
    assert (svc["UMask"], svc["ProtectSystem"], svc["NoNewPrivileges"], svc["PrivateTmp"]) == (
        "0077", "strict", "yes", "yes")
    assert svc["ReadWritePaths"] == "/var/lib/rongcuo"
    assert "RONGCUO_HOME=/var/lib/rongcuo" in svc.get_all("Environment")
    if unit.name == "rongcuo-server.service":
        assert svc["ExecStart"].endswith("rongcuo serve --host 127.0.0.1 --port 8000")


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
@pytest.mark.parametrize("unit", UNITS, ids=[u.name for u in UNITS])
def test_systemd_knows_every_setting_of_the_units(unit: Path, tmp_path: Path) -> None:
    """`systemd-analyze verify` finds no unknown or misspelt setting (the program path is
    pointed at one that exists here)."""
    copy = tmp_path / unit.name
    copy.write_text(unit.read_text(encoding="utf-8").replace(
        "/opt/rongcuo/venv/bin/rongcuo", "/bin/true"), encoding="utf-8")
    res = subprocess.run(["systemd-analyze", "verify", str(copy)], capture_output=True,
                         text=True)
    complaints = [ln for ln in (res.stdout + res.stderr).splitlines() if unit.name in ln]
    assert complaints == []

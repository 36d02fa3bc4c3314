#!/usr/bin/env bash
# Back up the rongcuo database: pg_dump (PostgreSQL) or SQLite's online .backup.
#   ops/backup.sh DESTDIR            (database from RONGCUO_DATABASE_URL, else the embedded file)
# Prints the file it wrote (mode 0600; DESTDIR is created 0700): give that path to
#   ops/restore.sh FILE URL          (into an empty database; see ops/runbook.md, Backups)
# Both are consistent snapshots taken while the scheduler and case workers keep writing.
set -euo pipefail
umask 077   # the dump holds the whole record: its owner's only, whatever the caller's umask
dest=${1:?usage: ops/backup.sh DESTDIR}
[[ -d "$dest" ]] || mkdir -p -m 700 "$dest"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
url=${RONGCUO_DATABASE_URL:-}
if [[ "$url" == postgresql* ]]; then
  out="$dest/rongcuo-$stamp.dump"
  # pg_dump reads one REPEATABLE READ snapshot: writers are not blocked
  pg_dump --format=custom --file "$out" "${url/postgresql+psycopg:/postgresql:}"
else
  db=${url#sqlite:///}
  [[ -n "$url" ]] || db="${RONGCUO_HOME:-${XDG_DATA_HOME:-$HOME/.local/share}/rongcuo}/rongcuo.sqlite3"
  out="$dest/rongcuo-$stamp.sqlite3"
  # .backup copies a consistent snapshot even while the scheduler writes (WAL)
  sqlite3 "$db" ".backup '$out'"
fi
chmod 600 "$out"
echo "$out"

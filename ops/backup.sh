#!/usr/bin/env bash
# Back up the rongcuo database: pg_dump (PostgreSQL) or SQLite's online .backup.
#   ops/backup.sh DESTDIR            (database from RONGCUO_DATABASE_URL, else the embedded file)
# Restore: pg_restore -d URL FILE.dump   |   cp FILE.sqlite3 $RONGCUO_HOME/rongcuo.sqlite3
set -euo pipefail
dest=${1:?usage: ops/backup.sh DESTDIR}
mkdir -p "$dest"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
url=${RONGCUO_DATABASE_URL:-}
if [[ "$url" == postgresql* ]]; then
  pg_dump --format=custom --file "$dest/rongcuo-$stamp.dump" "${url/postgresql+psycopg:/postgresql:}"
  echo "$dest/rongcuo-$stamp.dump"
else
  db=${url#sqlite:///}
  [[ -n "$url" ]] || db="${RONGCUO_HOME:-${XDG_DATA_HOME:-$HOME/.local/share}/rongcuo}/rongcuo.sqlite3"
  # .backup copies a consistent snapshot even while the scheduler writes (WAL)
  sqlite3 "$db" ".backup '$dest/rongcuo-$stamp.sqlite3'"
  echo "$dest/rongcuo-$stamp.sqlite3"
fi

#!/usr/bin/env bash
# Restore a backup written by ops/backup.sh into an EMPTY database (a contract):
#   ops/restore.sh FILE URL
#     FILE  the path ops/backup.sh printed: rongcuo-*.dump (PostgreSQL, pg_dump -Fc) or
#           rongcuo-*.sqlite3 (SQLite)
#     URL   the target: sqlite:///PATH, or postgresql+psycopg://USER@HOST:PORT/DB
#           (postgresql:// too) — an empty database created by ops/postgres/setup.sql
# Exit 0 restored · 2 usage · 3 refused, nothing written (the target already holds tables;
# FILE missing, unreadable or of the other backend's kind) · 1 the restore itself failed
# (nothing is left half-restored: SQLite is written beside the target and renamed into place;
# PostgreSQL restores in one transaction).
# Then prove it (ops/runbook.md, Backups):
#   rongcuo audit verify --db URL --against LATEST-CHECKPOINT.json --pubkey audit.key.pub
set -euo pipefail
umask 077
if [[ $# -ne 2 || -z "$1" || -z "$2" ]]; then
  echo "usage: ops/restore.sh FILE URL   (URL: sqlite:///PATH or postgresql+psycopg://...)" >&2
  exit 2
fi
file=$1 url=$2
refuse() { echo "恢复被拒绝，未写入任何内容：$1" >&2; echo "restore refused, nothing written: $2" >&2; exit 3; }
shown() { sed -E 's#(://[^:/@]*):[^@]*@#\1:***@#' <<<"$1"; }   # the URL without its password
[[ -f "$file" && -r "$file" ]] || refuse "找不到可读的备份文件 $file" "no readable backup file at $file"

case "$url" in
  sqlite:///*)
    target=${url#sqlite:///}
    [[ -n "$target" ]] || refuse "地址中没有文件路径：$url" "the URL names no file: $url"
    [[ "$(head -c 16 "$file" | tr -d '\0')" == "SQLite format 3" ]] \
      || refuse "$file 不是 SQLite 备份（PostgreSQL 的 .dump 请恢复到 postgresql:// 地址）" \
                "$file is not a SQLite backup (a PostgreSQL .dump needs a postgresql:// URL)"
    if [[ -s "$target" ]]; then
      n=$(sqlite3 "$target" "SELECT count(*) FROM sqlite_master WHERE type = 'table'") \
        || refuse "$target 已存在且不是空的 SQLite 数据库" "$target exists and is not an empty SQLite database"
      [[ "$n" == 0 ]] || refuse "$target 不是空数据库（$n 张表）：请恢复到新的数据库" \
                                "$target is not empty ($n tables): restore into a new database"
    fi
    [[ ! -s "$target-wal" ]] || refuse "$target-wal 中有未合并的写入：是否有进程正在使用 $target？" \
                                       "$target-wal holds unsaved writes: is a process using $target?"
    [[ "$(sqlite3 "$file" 'PRAGMA integrity_check')" == ok ]] \
      || refuse "$file 未通过 SQLite 完整性检查" "$file fails SQLite's integrity check"
    dir=$(dirname "$target")
    [[ -d "$dir" ]] || mkdir -p -m 700 "$dir"
    tmp=$(mktemp "$target.restore.XXXXXX")
    trap 'rm -f "$tmp"' EXIT
    sqlite3 "$file" ".backup '$tmp'"
    chmod 600 "$tmp"
    rm -f "$target-wal" "$target-shm"   # an empty database's, checked above
    mv -f "$tmp" "$target"
    trap - EXIT
    ;;
  postgresql://*|postgresql+psycopg://*|postgres://*)
    pg=${url/postgresql+psycopg:/postgresql:}
    pg_restore --list "$file" >/dev/null 2>&1 \
      || refuse "$file 不是 pg_dump 自定义格式备份（.sqlite3 请恢复到 sqlite:/// 地址）" \
                "$file is not a pg_dump custom-format backup (a .sqlite3 needs a sqlite:/// URL)"
    n=$(psql "$pg" -XAtq -v ON_ERROR_STOP=1 -c "SELECT count(*) FROM pg_class c
          JOIN pg_namespace s ON s.oid = c.relnamespace
          WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S')
            AND s.nspname NOT IN ('pg_catalog', 'information_schema')
            AND s.nspname NOT LIKE 'pg_toast%'") \
      || refuse "无法读取目标数据库 $(shown "$url")" "cannot read the target database $(shown "$url")"
    [[ "$n" == 0 ]] || refuse "$(shown "$url") 不是空数据库（$n 个表等对象）：请恢复到新的数据库" \
                              "$(shown "$url") is not empty ($n relations): restore into a new database"
    # --no-owner: the objects belong to the role restoring them (the target's owner)
    pg_restore --exit-on-error --single-transaction --no-owner --no-privileges -d "$pg" "$file"
    ;;
  *)
    refuse "不是目标数据库地址：$(shown "$url")（应为 sqlite:///路径 或 postgresql+psycopg://…）" \
           "not a target URL: $(shown "$url") (sqlite:///PATH or postgresql+psycopg://...)"
    ;;
esac
echo "restored $file into $(shown "$url")"
echo "now: rongcuo audit verify --db URL --against LATEST-CHECKPOINT.json --pubkey audit.key.pub"

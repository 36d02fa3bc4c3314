#!/usr/bin/env bash
# The whole test suite, from a fresh machine: install the package with its test extras, lint and
# type-check (ruff, mypy --strict over src/), then run pytest on SQLite and PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install -q --disable-pip-version-check -e '.[test]'
python3 -m ruff check src tests
python3 -m mypy
python3 -m pytest -q -n 2 "$@"

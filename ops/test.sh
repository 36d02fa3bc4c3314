#!/usr/bin/env bash
# The whole test suite, from a fresh machine: install the package with its test extras, run pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install -q --disable-pip-version-check -e '.[test]'
python3 -m pytest -q -n 2 "$@"

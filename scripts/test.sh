#!/usr/bin/env bash
# The one command that sets up and runs the test suite on a fresh machine:
#   python venv (.venv) with the package and its test extras, the SARIF Multitool (when npm is
#   available) in .tools/, then pytest. Works from any directory; exits with pytest's status.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet -e '.[test]'

MULTITOOL=.tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
if [ -z "${SARIF_MULTITOOL:-}" ] && [ ! -f "$MULTITOOL" ]; then
    if command -v npm >/dev/null 2>&1 && [ "$(uname -s)" = "Linux" ]; then
        npm install --silent --no-audit --no-fund --prefix .tools @microsoft/sarif-multitool-linux@5.7.0 \
            || echo "scripts/test.sh: could not install the SARIF Multitool; its tests will be skipped (they fail when CI=true)" >&2
    else
        echo "scripts/test.sh: npm (Linux) not available; SARIF Multitool tests will be skipped (they fail when CI=true)" >&2
    fi
fi
# The package makes its binary executable in a postinstall script, which npm may not run.
if [ -f "$MULTITOOL" ] && [ ! -x "$MULTITOOL" ]; then
    chmod u+x "$MULTITOOL"
fi

set +e
.venv/bin/python -m pytest -q "$@"
status=$?
set -e
exit "$status"

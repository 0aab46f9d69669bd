#!/usr/bin/env bash
# Builds everything the project needs, idempotently: the bot's Python 3.10 venv, the hospital
# system's venv, the benchmark venv, the chat page's npm packages and the Debian Chromium used by
# browser tests. Re-running it only installs what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

PY310=$(scripts/find_python310.sh) || exit 1
echo "==> Python 3.10: $PY310"

stamp_ok() { # stamp_ok <stamp-file> <files…>: true if the stamp holds the files' current hash
  local stamp=$1; shift
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$(cat "$@" | sha256sum | cut -d' ' -f1)" ]
}
stamp_write() { local stamp=$1; shift; cat "$@" | sha256sum | cut -d' ' -f1 > "$stamp"; }

# 1. The bot's venv (Rasa, rasa-sdk, actions, tests).
if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  "$PY310" -m venv .venv
fi
if ! stamp_ok .venv/.installed requirements.txt requirements-dev.txt constraints.txt; then
  echo "==> installing the bot's Python packages (first time: about 2 minutes)"
  .venv/bin/pip install -q --upgrade "pip<25" wheel
  .venv/bin/pip install -q -r requirements.txt -r requirements-dev.txt -c constraints.txt
  stamp_write .venv/.installed requirements.txt requirements-dev.txt constraints.txt
else
  echo "==> .venv is up to date"
fi

# 2. The hospital scheduling system (its own venv and dependencies).
if [ -f hospital_system/Makefile ]; then
  echo "==> hospital_system"
  make -s -C hospital_system install
fi

# 2b. The agents' console (its own venv and dependencies).
if [ -f agent_console/Makefile ]; then
  echo "==> agent_console"
  make -s -C agent_console install
fi

# 3. Load-test tool (locust) in its own venv, so its dependencies never touch Rasa's.
if [ -f bench/requirements.txt ]; then
  if [ ! -x bench/.venv/bin/python ]; then python3 -m venv bench/.venv; fi  # locust needs Python >= 3.11
  if ! stamp_ok bench/.venv/.installed bench/requirements.txt; then
    echo "==> installing the benchmark tools"
    bench/.venv/bin/pip install -q -r bench/requirements.txt
    stamp_write bench/.venv/.installed bench/requirements.txt
  fi
fi

# 4. The chat page's JavaScript dependencies (socket.io client), from the npm registry.
if [ -f webchat/package.json ]; then
  if ! stamp_ok webchat/node_modules/.installed webchat/package-lock.json 2>/dev/null; then
    echo "==> installing the chat page's npm packages"
    (cd webchat && npm ci --no-audit --no-fund --loglevel=error)
    stamp_write webchat/node_modules/.installed webchat/package-lock.json
  fi
fi

# 5. Headless Chromium for the browser tests (Debian packages; Playwright's own download fails here).
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "==> installing Debian's chromium and chromium-driver"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  else
    echo "WARNING: /usr/bin/chromium is missing; install the Debian packages chromium and chromium-driver" >&2
    echo "         (sudo apt-get install chromium chromium-driver) or the browser tests will fail." >&2
  fi
fi

# Chinese font so screenshots of the pages are legible (tests do not need it).
if ! fc-list 2>/dev/null | grep -qi "wenquanyi\|noto.*cjk"; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei >/dev/null 2>&1 || true
  fi
fi

mkdir -p var models
echo "==> install complete. Next: make test   (or: make run)"

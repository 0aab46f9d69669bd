#!/usr/bin/env bash
# Prints the path of a Python 3.10 interpreter (Rasa 3.6 supports Python 3.8-3.10 only).
# Looks at $PYTHON310, then python3.10 on PATH, then pyenv. Exits 1 with advice if none is found.
set -u
for cand in "${PYTHON310:-}" "$(command -v python3.10 2>/dev/null)"; do
  if [ -n "$cand" ] && [ -x "$cand" ] && "$cand" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; then
    echo "$cand"; exit 0
  fi
done
if command -v pyenv >/dev/null 2>&1; then
  for v in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.10(\.[0-9]+)?$' | sort -t. -k3 -n -r); do
    p="$(pyenv prefix "$v" 2>/dev/null)/bin/python3.10"
    if [ -x "$p" ]; then echo "$p"; exit 0; fi
  done
fi
cat >&2 <<'MSG'
ERROR: Python 3.10 not found. Rasa 3.6 runs on Python 3.8-3.10 only.
Install it, for example:
  pyenv install 3.10.13            # if you use pyenv
  apt-get install python3.10-venv  # on distributions that ship it
or point PYTHON310 at an interpreter:  make install PYTHON310=/path/to/python3.10
MSG
exit 1

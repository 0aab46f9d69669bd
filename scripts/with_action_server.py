"""Runs a command while a throw-away action server is up.

    python scripts/with_action_server.py -- rasa test core --endpoints {endpoints} ...

Starts `rasa run actions` on a free port, writes an endpoints file pointing at it (in-memory
tracker store), replaces `{endpoints}` in the command by that file, runs the command, stops the
server and exits with the command's exit code.
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from procs import ROOT, VENV_BIN, base_env, free_port, start, stop, wait_http


def main(argv: list) -> int:
    if "--" not in argv:
        print(__doc__)
        return 2
    command = argv[argv.index("--") + 1:]
    port = free_port()
    workdir = Path(tempfile.mkdtemp(prefix="actions-"))
    endpoints = workdir / "endpoints.yml"
    endpoints.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{port}/webhook"\n', encoding="utf-8")
    log = workdir / "action_server.log"
    server = start([str(VENV_BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(port)],
                   env=base_env(), log=log)
    try:
        wait_http(f"http://127.0.0.1:{port}/health", timeout=60, proc=server)
        command = [part.replace("{endpoints}", str(endpoints)) for part in command]
        return subprocess.call(command, cwd=str(ROOT), env=base_env())
    except Exception as error:  # the server did not come up: show why
        print(f"action server failed: {error}\n{log.read_text(errors='replace')[-3000:]}", file=sys.stderr)
        return 1
    finally:
        stop([server])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

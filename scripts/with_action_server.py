"""Runs a command while a throw-away action server (and hospital system) is up.

    python scripts/with_action_server.py -- rasa test core --endpoints {endpoints} ...

Starts the hospital system on a free port with a fresh, seeded SQLite database (when
hospital_system/ is installed), then `rasa run actions` on a free port pointed at it, writes an
endpoints file for the action server (in-memory tracker store), replaces `{endpoints}` in the
command by that file, runs the command, stops the servers and exits with the command's exit code.
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
    his_port = free_port()
    env = base_env(HIS_PORT=str(his_port), HIS_BASE_URL=f"http://127.0.0.1:{his_port}",
                   HIS_API_TOKEN="test-his-token", HIS_DATABASE_URL=f"sqlite:///{workdir / 'his.db'}",
                   ESCALATION_DB_URL=f"sqlite:///{workdir / 'handoff.db'}")
    servers = []
    if (ROOT / "hospital_system" / ".venv").exists():
        servers.append(start(["make", "-s", "-C", "hospital_system", "run"], env=env, log=workdir / "his.log"))
    server = start([str(VENV_BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(port)],
                   env=env, log=log)
    servers.append(server)
    try:
        if len(servers) == 2:
            wait_http(f"http://127.0.0.1:{his_port}/health", timeout=120, proc=servers[0])
        wait_http(f"http://127.0.0.1:{port}/health", timeout=60, proc=server)
        command = [part.replace("{endpoints}", str(endpoints)) for part in command]
        return subprocess.call(command, cwd=str(ROOT), env=base_env())
    except Exception as error:  # the server did not come up: show why
        for name in ("his.log", "action_server.log"):
            if (workdir / name).exists():
                print(f"{name}:\n{(workdir / name).read_text(errors='replace')[-3000:]}", file=sys.stderr)
        print(f"servers failed to start: {error}", file=sys.stderr)
        return 1
    finally:
        stop(servers)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

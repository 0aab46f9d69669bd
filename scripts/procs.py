"""Small process helpers shared by the run, test and benchmark scripts (standard library only)."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Dict, List, Optional, Sequence

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"


def free_port() -> int:
    """An unused TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def base_env(**extra: str) -> Dict[str, str]:
    """The environment every child process gets."""
    env = dict(os.environ)
    env.update(
        PYTHONPATH=str(ROOT),
        RASA_TELEMETRY_ENABLED="false",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
        TF_CPP_MIN_LOG_LEVEL="2",
    )
    env.update(extra)
    return env


def start(cmd: Sequence[str], *, env: Optional[Dict[str, str]] = None, log: Optional[Path] = None,
          cwd: Optional[Path] = None) -> subprocess.Popen:
    """Starts a child in its own process group (so it can be stopped with all its children)."""
    out = open(log, "ab") if log else subprocess.DEVNULL
    return subprocess.Popen(list(cmd), env=env or base_env(), cwd=str(cwd or ROOT), stdout=out,
                            stderr=subprocess.STDOUT, start_new_session=True)


def stop(procs: List[subprocess.Popen], timeout: float = 15.0) -> None:
    """SIGTERM to each child's group, then SIGKILL whatever is still alive after `timeout`."""
    for proc in procs:
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    deadline = time.time() + timeout
    for proc in procs:
        try:
            proc.wait(max(0.1, deadline - time.time()))
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()


def wait_http(url: str, *, timeout: float, proc: Optional[subprocess.Popen] = None,
              headers: Optional[Dict[str, str]] = None) -> float:
    """Polls `url` until it answers 2xx; returns the seconds waited. Raises if it never does."""
    started = time.time()
    while time.time() - started < timeout:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process for {url} exited with code {proc.returncode}")
        try:
            request = urllib.request.Request(url, headers=headers or {})
            with urllib.request.urlopen(request, timeout=2) as response:
                if 200 <= response.status < 300:
                    return time.time() - started
        except Exception:
            time.sleep(0.25)
    raise TimeoutError(f"{url} not ready after {timeout:.0f} s")


def rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB (Linux /proc)."""
    total = 0
    pids = [pid]
    try:
        children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
        pids += [int(p) for p in children.split()]
    except FileNotFoundError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total / 1024


def die(message: str) -> None:
    print(message, file=sys.stderr)
    sys.exit(1)

"""pytest plugin: a live HIS service (hospital_system/) for the bot's tests.

Register with ``pytest_plugins = ["tests.fixtures_his"]`` in tests/conftest.py. The session-scoped
``his_service`` fixture migrates and seeds a fresh temporary SQLite database, starts
``hospital_system/.venv/bin/python -m uvicorn his.app:create_app --factory`` on a free loopback
port, waits for /health, yields the base URL, token and demo patients, and stops the server."""
from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest

HIS_DIR = Path(__file__).resolve().parents[1] / "hospital_system"
HIS_PYTHON = HIS_DIR / ".venv" / "bin" / "python"
DEMO_PATIENTS_FILE = HIS_DIR / "his" / "seed" / "demo_patients.json"
START_TIMEOUT_S = 60


@dataclass(frozen=True)
class HisInstance:
    base_url: str
    token: str
    demo_patients: List[Dict[str, Any]] = field(default_factory=list)

    def patient(self, key: str) -> Dict[str, Any]:
        """A demo patient by key (li_xiuying, wang_jianhua, chen_xiaoming, zhao_lijuan, liu_fang, liu_xiaobao)."""
        return next(p for p in self.demo_patients if p["key"] == key)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(base_url + "/health", timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture(scope="session")
def his_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HisInstance]:
    if not HIS_PYTHON.exists():
        pytest.fail(f"{HIS_PYTHON} is missing: run `make -C hospital_system install`")
    workdir = tmp_path_factory.mktemp("his")
    port, token = _free_port(), secrets.token_hex(16)
    env = {**os.environ, "HIS_DATABASE_URL": f"sqlite:///{workdir / 'his.db'}", "HIS_API_TOKEN": token,
           "HIS_PORT": str(port), "HIS_HOST": "127.0.0.1", "PYTHONPATH": str(HIS_DIR)}
    for command in ("migrate", "seed"):
        done = subprocess.run([str(HIS_PYTHON), "-m", "his.cli", command], cwd=HIS_DIR, env=env,
                              capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            pytest.fail(f"HIS {command} failed:\n{done.stdout}\n{done.stderr}")
    log = (workdir / "uvicorn.log").open("w")
    proc = subprocess.Popen([str(HIS_PYTHON), "-m", "uvicorn", "his.app:create_app", "--factory",
                             "--host", "127.0.0.1", "--port", str(port), "--no-access-log"],
                            cwd=HIS_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _healthy(base_url):
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail("HIS did not start:\n" + (workdir / "uvicorn.log").read_text())
            time.sleep(0.1)
        demo = json.loads(DEMO_PATIENTS_FILE.read_text(encoding="utf-8"))["patients"]
        yield HisInstance(base_url=base_url, token=token, demo_patients=demo)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        log.close()

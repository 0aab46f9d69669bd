"""The command line the Makefile uses: migrate, seed (only when empty), openapi, run."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from his.cli import openapi_json
from his.settings import SERVICE_DIR, Settings


def _cli(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "his.cli", *args], cwd=SERVICE_DIR, env=env,
                          capture_output=True, text=True, timeout=120)


def _env(tmp_path: Path, **extra: str) -> dict:
    return {**os.environ, "HIS_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", "HIS_API_TOKEN": "cli-token", **extra}


def test_migrate_then_seed_once(tmp_path: Path) -> None:
    env = _env(tmp_path)
    assert "migrated" in _cli("migrate", env=env).stdout
    first = _cli("seed", env=env)
    assert first.returncode == 0 and "seeded: departments=30" in first.stdout
    second = _cli("seed", env=env)
    assert second.returncode == 0 and "seed skipped" in second.stdout
    assert _cli("seed", "--force", env=env).returncode != 0


def test_openapi_command(tmp_path: Path) -> None:
    out = tmp_path / "openapi.json"
    assert _cli("openapi", "--output", str(out), env=_env(tmp_path)).returncode == 0
    assert out.read_text(encoding="utf-8") == openapi_json(Settings(database_url="sqlite://"))


def test_run_migrates_seeds_and_serves(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "his.cli", "run"], cwd=SERVICE_DIR,
                            env=_env(tmp_path, HIS_PORT=str(port)), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            raise AssertionError("service did not start")
        response = httpx.get(f"http://127.0.0.1:{port}/api/departments",
                             headers={"Authorization": "Bearer cli-token"}, timeout=5)
        assert response.status_code == 200 and len(response.json()) == 30
    finally:
        proc.terminate()
        proc.wait(timeout=20)

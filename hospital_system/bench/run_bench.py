"""`make bench`: start the service on a loopback port with a fresh seeded SQLite database (or use
--url), run locust headless with N concurrent clients for a bounded time, print p50/p95/p99 and
req/s, and append them with the machine and date to bench_results.txt. Goal: p95 <= 50 ms."""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Dict, Optional

HERE = Path(__file__).resolve().parent
SERVICE_DIR = HERE.parent
RESULTS = SERVICE_DIR / "bench_results.txt"
GOAL_P95_MS = 50.0
TOKEN = "bench-token"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def load_average() -> str:
    """1-minute load: other work on the machine (e.g. a Rasa training) skews latency figures."""
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "unknown"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(url: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/health", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"service at {url} did not become healthy")


def start_service(port: int, workers: int, db_dir: Path) -> subprocess.Popen:
    env = {**os.environ, "HIS_DATABASE_URL": f"sqlite:///{db_dir / 'bench.db'}", "HIS_API_TOKEN": TOKEN,
           "HIS_PORT": str(port), "HIS_HOST": "127.0.0.1", "HIS_WORKERS": str(workers)}
    return subprocess.Popen([sys.executable, "-m", "his.cli", "run"], cwd=SERVICE_DIR, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)


def run_locust(url: str, *, users: int, seconds: int, wait: str, out: Path,
               target: str = "schedules") -> Dict[str, float]:
    prefix = out / f"locust_{target}_{wait}"
    env = {**os.environ, "HIS_API_TOKEN": os.environ.get("HIS_API_TOKEN", TOKEN), "BENCH_WAIT": wait,
           "BENCH_TARGET": target, "PYTHONPATH": str(SERVICE_DIR)}
    cmd = [sys.executable, "-m", "locust", "-f", str(HERE / "locustfile.py"), "--headless", "--only-summary",
           "-u", str(users), "-r", str(users), "-t", f"{seconds}s", "--host", url, "--csv", str(prefix),
           "--stop-timeout", "5", "--loglevel", "WARNING", "--reset-stats"]
    subprocess.run(cmd, cwd=SERVICE_DIR, env=env, check=False, timeout=seconds + 60,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(f"{prefix}_stats.csv", newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if r["Name"] == "Aggregated")
    return {"requests": float(row["Request Count"]), "failures": float(row["Failure Count"]),
            "rps": float(row["Requests/s"]), "p50": float(row["50%"]), "p95": float(row["95%"]),
            "p99": float(row["99%"])}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers of the started service")
    parser.add_argument("--url", help="benchmark an already running service (loopback only) instead")
    parser.add_argument("--modes", default="realistic,none", help="realistic (0.5-1.5 s think time), none")
    args = parser.parse_args()
    if args.url and not args.url.startswith(("http://127.", "http://localhost", "http://[::1]")):
        raise SystemExit("benchmarks target loopback addresses only")
    out = Path(tempfile.mkdtemp(prefix="his-bench-"))
    proc: Optional[subprocess.Popen] = None
    url = args.url
    try:
        if url is None:
            port = free_port()
            proc = start_service(port, args.workers, out)
            url = f"http://127.0.0.1:{port}"
        wait_healthy(url)
        run_locust(url, users=args.users, seconds=5, wait="none", out=out)  # warm-up: pools, caches
        lines = []
        stamp = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        header = (f"=== {stamp} host={platform.node()} cpus={os.cpu_count()} cpu=\"{cpu_model()}\" "
                  f"loadavg_before={load_average()} "
                  f"service={'external' if args.url else f'sqlite, uvicorn workers={args.workers}'}")
        lines.append(header)
        runs = [("schedules", mode) for mode in args.modes.split(",")] + [("health", "realistic")]
        for target, mode in runs:
            seconds = args.seconds if target == "schedules" else max(5, args.seconds // 2)
            stats = run_locust(url, users=args.users, seconds=seconds, wait=mode, out=out, target=target)
            label = {"realistic": "realistic (think 0.5-1.5 s)", "none": "capacity (no think time)"}[mode]
            label = label if target == "schedules" else "floor: GET /health, realistic"
            verdict = ("" if target == "health" else
                       " goal p95<=50ms: " + ("met" if stats["p95"] <= GOAL_P95_MS else "MISSED"))
            lines.append(f"{label:29s} users={args.users} {seconds}s requests={int(stats['requests'])} "
                         f"failures={int(stats['failures'])} req/s={stats['rps']:.1f} p50={stats['p50']:.0f}ms "
                         f"p95={stats['p95']:.0f}ms p99={stats['p99']:.0f}ms{verdict}")
        text = "\n".join(lines) + "\n"
        print(text, end="")
        with RESULTS.open("a", encoding="utf-8") as handle:
            handle.write(text)
        print(f"appended to {RESULTS}")
        return 0
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

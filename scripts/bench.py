"""`make bench`: model load time, memory of each process, full training time and peak memory,
Rasa start-up time, and REST latency (p50/p95/p99) and throughput with 1 and 20 concurrent
conversations — realistic (1 s think time) and at saturation — on embedded defaults and on the
production configuration (PostgreSQL tracker store, Redis lock store, 2 Sanic workers).

Figures are printed and written to bench/results/<date>-<host>.json and appended to
bench/RESULTS.md so runs can be compared. Loopback only; every load run is bounded in time.
Options: --skip-train (reuse models/hospital.tar.gz timing-free), --quick (short runs).
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional

from procs import ROOT, VENV_BIN, base_env, free_port, rss_mb, start, stop, wait_http

MODEL = ROOT / "models" / "hospital.tar.gz"
LOCUST = ROOT / "bench" / ".venv" / "bin" / "locust"
GOALS = "goals: p95 ≤ 150 ms at 20 conversations; ≥ 100 msg/s; training ≤ 180 s and ≤ 2 GB; ready ≤ 20 s"


def machine() -> Dict[str, str]:
    model = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines()
                  if l.startswith("model name")), platform.processor())
    mem = next((l.split()[1] for l in Path("/proc/meminfo").read_text().splitlines()
                if l.startswith("MemTotal")), "0")
    return {"host": platform.node(), "cpus": str(os.cpu_count()), "cpu_model": model,
            "memory_gb": f"{int(mem) / 1024 / 1024:.1f}", "python": platform.python_version()}


def measure_training(tmp: Path) -> Dict[str, float]:
    """A full, forced training run into a temporary folder: wall time and peak RSS."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.time()
    subprocess.run([str(VENV_BIN / "rasa"), "train", "--force", "--data", "data/nlu", "data/lookups",
                    "data/rules", "data/stories", "--out", str(tmp), "--fixed-model-name", "bench"],
                   cwd=ROOT, env=base_env(), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"training_s": round(time.time() - started, 1),
            "training_peak_mb": round(max(peak, before) / 1024, 0)}


def measure_model_load() -> float:
    """Seconds to load the trained model into an Agent (in a fresh interpreter)."""
    code = ("import time,asyncio;t=time.time();from rasa.core.agent import Agent;"
            f"Agent.load(r'{MODEL}');print(time.time()-t)")
    out = subprocess.run([str(VENV_BIN / "python"), "-c", code], cwd=ROOT, env=base_env(),
                         capture_output=True, text=True, check=True).stdout
    return round(float(out.strip().splitlines()[-1]), 2)


class Servers:
    """Action server, hospital system and Rasa for one configuration."""

    def __init__(self, tmp: Path, production: bool):
        self.tmp, self.production, self.procs = tmp, production, {}
        self.rasa_port, self.actions_port, self.his_port = free_port(), free_port(), free_port()
        self.ready_s: Optional[float] = None

    def __enter__(self) -> "Servers":
        logs = self.tmp / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        env = base_env(HIS_PORT=str(self.his_port), HIS_BASE_URL=f"http://127.0.0.1:{self.his_port}",
                       HIS_API_TOKEN="bench-his-token", HIS_DATABASE_URL=f"sqlite:///{self.tmp}/his.db")
        if (ROOT / "hospital_system" / "Makefile").exists():
            self.procs["hospital_system"] = start(["make", "-s", "-C", "hospital_system", "run"], env=env,
                                                  log=logs / "his.log")
            wait_http(f"http://127.0.0.1:{self.his_port}/health", timeout=120, proc=self.procs["hospital_system"])
        self.procs["actions"] = start([str(VENV_BIN / "rasa"), "run", "actions", "--actions", "actions",
                                       "--port", str(self.actions_port)], env=env, log=logs / "actions.log")
        wait_http(f"http://127.0.0.1:{self.actions_port}/health", timeout=120, proc=self.procs["actions"])
        action_url = f"http://127.0.0.1:{self.actions_port}/webhook"
        if self.production:
            db = f"bench_{os.getpid()}"
            subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"CREATE DATABASE {db}"],
                           check=True, capture_output=True)
            self.db = db
            env.update(ACTION_ENDPOINT_URL=action_url, TRACKER_DB_HOST="127.0.0.1", TRACKER_DB_PORT="5432",
                       TRACKER_DB_NAME=db, TRACKER_DB_USER="postgres", TRACKER_DB_PASSWORD="",
                       REDIS_HOST="127.0.0.1", REDIS_PORT="6379", REDIS_LOCK_DB="1", SANIC_WORKERS="2")
            endpoints, credentials = ROOT / "endpoints.prod.yml", ROOT / "credentials.rest.yml"
        else:
            endpoints = self.tmp / "endpoints.yml"
            endpoints.write_text(f'action_endpoint:\n  url: "{action_url}"\ntracker_store:\n  type: SQL\n'
                                 f'  dialect: "sqlite"\n  db: "{self.tmp}/tracker.db"\n', encoding="utf-8")
            credentials = ROOT / "credentials.yml"
        started = time.time()
        self.procs["rasa"] = start([str(VENV_BIN / "rasa"), "run", "--model", str(MODEL), "--port",
                                    str(self.rasa_port), "--credentials", str(credentials),
                                    "--endpoints", str(endpoints)], env=env, log=logs / "rasa.log")
        wait_http(f"http://127.0.0.1:{self.rasa_port}/webhooks/rest/", timeout=180, proc=self.procs["rasa"])
        self.ready_s = round(time.time() - started, 1)
        return self

    def memory(self) -> Dict[str, float]:
        return {name: round(rss_mb(proc.pid), 0) for name, proc in self.procs.items()}

    def __exit__(self, *exc) -> None:
        stop(list(self.procs.values()))
        if self.production:
            subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"DROP DATABASE IF EXISTS {self.db}"],
                           capture_output=True)


def run_locust(host: str, users: int, wait: float, seconds: int, tmp: Path) -> Dict[str, float]:
    """One bounded locust run; returns aggregated percentiles (ms) and throughput (msg/s)."""
    prefix = tmp / f"locust_{users}_{wait}_{time.time_ns()}"
    subprocess.run([str(LOCUST), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless", "--host", host,
                    "-u", str(users), "-r", str(users), "-t", f"{seconds}s", "--csv", str(prefix),
                    "--only-summary", "--stop-timeout", "5"],
                   env={**base_env(), "BENCH_WAIT": str(wait)}, check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=seconds + 60)
    with open(f"{prefix}_stats.csv", newline="", encoding="utf-8") as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    total = rows["Aggregated"]
    by_kind = {name: float(row["95%"]) for name, row in rows.items() if name != "Aggregated"}
    return {"users": users, "think_s": wait, "requests": int(total["Request Count"]),
            "failures": int(total["Failure Count"]), "p50_ms": float(total["50%"]),
            "p95_ms": float(total["95%"]), "p99_ms": float(total["99%"]),
            "msg_per_s": round(float(total["Requests/s"]), 1), "p95_by_turn_ms": by_kind}


def warm_up(host: str) -> None:
    import urllib.request
    for message in json.loads((ROOT / "bench" / "messages.json").read_text(encoding="utf-8")):
        body = json.dumps({"sender": "warm-up", "message": message["text"]}).encode()
        urllib.request.urlopen(urllib.request.Request(f"{host}/webhooks/rest/webhook", data=body,
                               headers={"Content-Type": "application/json"}), timeout=60).read()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-train", action="store_true")
    parser.add_argument("--quick", action="store_true", help="short runs (smoke test of the benchmark)")
    parser.add_argument("--no-production", action="store_true", help="skip the PostgreSQL/Redis/2-worker runs")
    args = parser.parse_args()
    if not MODEL.exists() or not LOCUST.exists():
        print("run `make install train` first", file=sys.stderr)
        return 1
    seconds = 15 if args.quick else 45
    tmp = Path(tempfile.mkdtemp(prefix="bench-"))
    result: Dict[str, object] = {"date": dt.datetime.now().isoformat(timespec="seconds"), "machine": machine()}
    try:
        if not args.skip_train:
            print("training (full, forced)…", flush=True)
            result.update(measure_training(tmp / "train"))
        result["model_load_s"] = measure_model_load()
        runs: List[Dict[str, object]] = []
        configs = [("embedded (SQLite tracker, 1 worker)", False)]
        if not args.no_production:
            configs.append(("production (PostgreSQL tracker, Redis locks, 2 workers)", True))
        for label, production in configs:
            print(f"{label}: starting servers…", flush=True)
            with Servers(tmp / ("prod" if production else "embedded"), production) as servers:
                host = f"http://127.0.0.1:{servers.rasa_port}"
                warm_up(host)
                result.setdefault("ready_s", {})[label] = servers.ready_s
                result.setdefault("memory_mb_idle", {})[label] = servers.memory()
                plan = [(1, 1.0), (20, 1.0), (20, 0.0)] if not production else [(20, 1.0), (20, 0.0)]
                for users, wait in plan:
                    print(f"  {users} conversations, think time {wait:.0f} s, {seconds} s…", flush=True)
                    run = run_locust(host, users, wait, seconds, tmp)
                    run["config"] = label
                    runs.append(run)
                result.setdefault("memory_mb_after_load", {})[label] = servers.memory()
        result["runs"] = runs
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    report(result)
    return 0


def report(result: Dict[str, object]) -> None:
    m = result["machine"]
    lines = [f"## {result['date']} — {m['cpus']} cores, {m['cpu_model']}, {m['memory_gb']} GB",
             "", GOALS, ""]
    if "training_s" in result:
        lines.append(f"- full training: {result['training_s']} s, peak {result['training_peak_mb']} MB")
    lines.append(f"- model load: {result['model_load_s']} s")
    for label, ready in result.get("ready_s", {}).items():
        lines.append(f"- {label}: server ready {ready} s; memory idle {result['memory_mb_idle'][label]} MB; "
                     f"after load {result['memory_mb_after_load'][label]} MB")
    lines += ["", "| config | conversations | think | p50 ms | p95 ms | p99 ms | msg/s | requests | failures |",
              "|---|---|---|---|---|---|---|---|---|"]
    for run in result["runs"]:
        lines.append(f"| {run['config']} | {run['users']} | {run['think_s']:.0f} s | {run['p50_ms']:.0f} | "
                     f"{run['p95_ms']:.0f} | {run['p99_ms']:.0f} | {run['msg_per_s']} | {run['requests']} | "
                     f"{run['failures']} |")
    text = "\n".join(lines) + "\n"
    print("\n" + text)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    (out / f"{stamp}-{m['host']}.json").write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    with open(ROOT / "bench" / "RESULTS.md", "a", encoding="utf-8") as handle:
        handle.write(text + "\n")
    print(f"written to bench/results/{stamp}-{m['host']}.json and bench/RESULTS.md")


if __name__ == "__main__":
    sys.exit(main())

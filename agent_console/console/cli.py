"""Command line: ``python -m console.cli {migrate,seed,run,openapi}`` (what the Makefile calls)."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import List, Optional

from console.settings import SERVICE_DIR, Settings, get_settings


def migrate(settings: Settings) -> None:
    from console.migrate import upgrade

    upgrade(settings.database_url)
    print(f"migrated {_safe_url(settings.database_url)}")


def seed(settings: Settings) -> bool:
    """Seed groups, demo accounts and canned replies if there are no accounts yet."""
    from console.clock import system_clock
    from console.db import Database
    from console.seed import is_empty, seed_database

    db = Database.from_settings(settings)
    try:
        with db.write() as session:
            if not is_empty(session):
                print("database already has accounts: seed skipped")
                return False
            counts = seed_database(session, settings=settings, now=system_clock())
        print("seeded: " + ", ".join(f"{k}={v}" for k, v in counts.items()))
        return True
    finally:
        db.dispose()


def openapi_json(settings: Settings) -> str:
    from console.app import create_app

    spec = create_app(settings).openapi()
    return json.dumps(spec, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def run(settings: Settings) -> None:
    import uvicorn

    settings.check_production()
    migrate(settings)
    seed(settings)
    # one worker: the websocket hub lives in the process (see console/hub.py)
    uvicorn.run("console.app:create_app", factory=True, host=settings.host, port=settings.port,
                workers=1, log_level="info", access_log=False)


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m console.cli", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="apply Alembic migrations (CONSOLE_DATABASE_URL)")
    sub.add_parser("seed", help="skill groups, demo accounts, canned replies (when no account exists)")
    sub.add_parser("run", help="migrate, seed if empty, serve on CONSOLE_HOST:CONSOLE_PORT")
    api_p = sub.add_parser("openapi", help="write the OpenAPI description")
    api_p.add_argument("--output", type=Path, default=SERVICE_DIR / "openapi.json")
    args = parser.parse_args(argv)
    settings = get_settings()
    if args.command == "migrate":
        migrate(settings)
    elif args.command == "seed":
        seed(settings)
    elif args.command == "run":
        run(settings)
    elif args.command == "openapi":
        args.output.write_text(openapi_json(settings), encoding="utf-8")
        print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

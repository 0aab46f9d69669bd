"""Locations of the project's editable data files."""
from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """The project's data folder; `HOSPITAL_DATA_DIR` overrides it (tests, deployments)."""
    return Path(os.environ.get("HOSPITAL_DATA_DIR", REPO_ROOT / "data"))

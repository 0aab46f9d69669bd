"""Access to the project's shared domain logic, ``hospital_core`` (repo root), for POST /api/triage.

``hospital_core`` is imported normally when it is on ``sys.path`` (PYTHONPATH holds the repo root,
or it was installed). Otherwise it is loaded from the repository this service sits in
(``hospital_system/../hospital_core``) as a package of its own, without adding the repo root to
``sys.path``: that would let the repo's top-level packages (``tests``, ``actions``) shadow this
service's. Its data files are found by ``hospital_core.paths`` (``HOSPITAL_DATA_DIR`` overrides).
"""
from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from his.settings import SERVICE_DIR

PACKAGE = "hospital_core"
SIBLING_DIR: Path = SERVICE_DIR.parent / PACKAGE


def hospital_core() -> ModuleType:
    """The ``hospital_core`` package, importing it from the repository when it is not on sys.path."""
    loaded = sys.modules.get(PACKAGE)
    if loaded is not None:
        return loaded
    if importlib.util.find_spec(PACKAGE) is not None:
        return importlib.import_module(PACKAGE)
    init = SIBLING_DIR / "__init__.py"
    if not init.is_file():
        raise ImportError(f"{PACKAGE} not found on sys.path nor at {SIBLING_DIR}: put the repository root "
                          "on PYTHONPATH")
    spec = importlib.util.spec_from_file_location(PACKAGE, init, submodule_search_locations=[str(SIBLING_DIR)])
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[PACKAGE] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(PACKAGE, None)
        raise
    return module


hospital_core()

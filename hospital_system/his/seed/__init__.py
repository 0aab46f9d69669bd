"""Demo data for the HIS service (see generate.py and demo_patients.json)."""
from his.seed.generate import DEMO_PATIENTS_FILE, is_empty, load_demo_patients, seed_database

__all__ = ["DEMO_PATIENTS_FILE", "is_empty", "load_demo_patients", "seed_database"]

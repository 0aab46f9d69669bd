"""Shared pytest setup: the live hospital-system fixture (tests/fixtures_his.py)."""
pytest_plugins = ["tests.fixtures_his"]

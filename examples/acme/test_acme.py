"""Binds ACME's own features; the step library comes from the project's conftest."""

from __future__ import annotations

from pathlib import Path

from pytest_bdd import scenarios

scenarios(str(Path(__file__).parent / "features"))

"""Binds the feature files of the directory named by OEDR_MUTATED_FEATURES (used by test_broken_runbook)."""

from __future__ import annotations

import os

from pytest_bdd import scenarios

if os.environ.get("OEDR_MUTATED_FEATURES"):
    scenarios(os.environ["OEDR_MUTATED_FEATURES"])

"""The only binder: every .feature under features/ becomes pytest tests (one binder, no double binding)."""

from __future__ import annotations

from pytest_bdd import scenarios

scenarios(".")

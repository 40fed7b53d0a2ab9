"""The sample project's only binder: every scenario of every feature below."""

from __future__ import annotations

from pytest_bdd import scenarios

scenarios(".")

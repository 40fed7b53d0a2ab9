"""The one adapter over pytest-bdd's internals: everything the harness needs that is not its public API.

pytest-bdd's public API is its step decorators, ``parsers``, ``scenario``/``scenarios`` and its
``pytest_bdd_*`` hooks. The evidence also needs to know, for a collected item, which scenario it runs and
with which Examples row, and ``oedr list`` parses a feature file without collecting it. Those rest on
names pytest-bdd does not document (its parser's classes, the registry of scenario wrappers, the
``_pytest_bdd_example`` parameter); they are used here and nowhere else, and tests/unit/test_bdd_adapter.py
fails when a pytest-bdd release changes them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from pytest_bdd.exceptions import GherkinParseError
from pytest_bdd.parser import Feature, FeatureParser, Scenario, ScenarioTemplate, Step
from pytest_bdd.scenario import scenario_wrapper_template_registry
from pytest_bdd.steps import step_function_context_registry

EXAMPLE_PARAM = "_pytest_bdd_example"  # the parameter pytest-bdd gives an outline's items

__all__ = [
    "EXAMPLE_PARAM",
    "Feature",
    "GherkinParseError",
    "Scenario",
    "ScenarioTemplate",
    "Step",
    "StepDefinition",
    "example_of",
    "parse_feature",
    "scenario_template",
    "step_definitions",
]


@dataclass(frozen=True)
class StepDefinition:
    """One loaded step definition: its keyword (None for any), its sentence, its function, and its matcher."""

    kind: str | None
    pattern: str
    func: Callable[..., object]
    matches: Callable[[str], bool]


def step_definitions() -> list[StepDefinition]:
    """Every step definition loaded in this process (pytest-bdd's registry of step contexts)."""
    return [
        StepDefinition(ctx.type, str(ctx.parser.name), ctx.step_func, ctx.parser.is_matching)
        for ctx in list(step_function_context_registry.values())
    ]


def scenario_template(item: pytest.Item) -> ScenarioTemplate | None:
    """The pytest-bdd scenario a test item runs, or None for an ordinary test."""
    func = getattr(getattr(item, "obj", None), "__func__", getattr(item, "obj", None))
    try:
        return scenario_wrapper_template_registry.get(func)  # type: ignore[arg-type]
    except TypeError:
        return None


def example_of(item: pytest.Item) -> dict[str, str]:
    """The Examples row a scenario outline's item runs with ({} for a plain scenario)."""
    callspec = getattr(item, "callspec", None)
    return dict(callspec.params.get(EXAMPLE_PARAM, {})) if callspec else {}


def parse_feature(path: Path) -> Feature:
    """A feature file as pytest-bdd reads it (GherkinParseError when it is not Gherkin)."""
    return FeatureParser(str(path.parent), path.name).parse()

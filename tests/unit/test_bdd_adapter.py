"""harness/bdd.py is the only place that touches pytest-bdd's internals, and those internals still work."""

from __future__ import annotations

import ast
from pathlib import Path
from types import SimpleNamespace

import pytest
from pytest_bdd import scenario

from oedr.harness import bdd

ROOT = Path(__file__).resolve().parents[2]
FEATURE = ROOT / "features" / "procedures" / "offline_os_copy.feature"
PUBLIC = {"given", "when", "then", "step", "parsers", "scenario", "scenarios"}


def _first_scenario_name() -> str:
    return next(iter(bdd.parse_feature(FEATURE).scenarios.values())).name


def test_a_feature_file_parses_into_its_scenarios():
    feature = bdd.parse_feature(FEATURE)
    assert feature.name
    assert feature.scenarios
    assert all(s.steps for s in feature.scenarios.values())


def test_a_gherkin_error_is_the_adapters_exception(tmp_path: Path):
    broken = tmp_path / "broken.feature"
    broken.write_text("Feature: x\n  Scenario: y\n    Given a\n  Nonsense here\n", encoding="utf-8")
    with pytest.raises(bdd.GherkinParseError):
        bdd.parse_feature(broken)


def test_the_scenario_behind_an_item_is_found_and_an_ordinary_test_has_none():
    name = _first_scenario_name()

    @scenario(str(FEATURE), name)
    def wrapped() -> None: ...

    template = bdd.scenario_template(SimpleNamespace(obj=wrapped))  # type: ignore[arg-type]
    assert template is not None
    assert template.name == name
    assert bdd.scenario_template(SimpleNamespace(obj=test_a_feature_file_parses_into_its_scenarios)) is None  # type: ignore[arg-type]


def test_the_example_row_is_read_from_the_items_parameters():
    row = {"areas": "2"}
    item = SimpleNamespace(callspec=SimpleNamespace(params={bdd.EXAMPLE_PARAM: row}))
    assert bdd.example_of(item) == row  # type: ignore[arg-type]
    assert bdd.example_of(SimpleNamespace()) == {}  # type: ignore[arg-type]


def _bdd_imports(path: Path) -> list[str]:
    """What a module imports from pytest-bdd beyond its public API (submodules, or non-public names)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("pytest_bdd"):
            if node.module != "pytest_bdd" or {a.name for a in node.names} - PUBLIC:
                found.append(f"from {node.module} import {', '.join(a.name for a in node.names)}")
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.startswith("pytest_bdd.")]
    return found


def test_only_the_adapter_uses_pytest_bdd_internals():
    modules = [
        p
        for top in ("harness", "steps", "tests", "features", "examples", "scripts")
        for p in (ROOT / top).rglob("*.py")
    ] + [ROOT / "conftest.py"]
    offenders = {
        str(p.relative_to(ROOT)): imports
        for p in modules
        if p != ROOT / "harness" / "bdd.py" and (imports := _bdd_imports(p))
    }
    assert _bdd_imports(ROOT / "harness" / "bdd.py"), "the adapter imports nothing private: the check proves nothing"
    assert offenders == {}


def test_the_loaded_step_definitions_are_read_with_their_sentences_and_matchers() -> None:
    import oedr.steps.command_steps  # noqa: F401 - registers its step definitions
    from oedr.harness.bdd import step_definitions

    found = {d.pattern: d for d in step_definitions()}
    runs = found["I run `{command}` on {host:Host}"]
    assert runs.matches("I run `proutil sports -C busy` on production")
    assert not runs.matches("the DBA does something no step defines")

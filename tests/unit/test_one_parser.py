"""Each OpenEdge output format is parsed in one place: harness/dba/readings.py (the emulator, which prints
them, aside). A regular expression elsewhere that reads one of them is a second parser, bound to drift."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# What only a reader of one of these outputs would match on.
MARKERS = {
    "numbered message line": ("\\((\\d", "\\(\\d"),
    "oeclient commit line": ("committed trid",),
    "oeclient digest": ("sha256=",),
    "aimage list": ("Seqno", "Extent|Status"),
    "aimage scan": ("Trid:",),
    "describe": ("AI Sequence", "After Imaging", "\\s+: "),
    ".lg line": ("P-\\d+ T-\\d+",),
    "CommandResult.describe()": ("exited (?P", "--- output ---"),
}
_RE_CALLS = {"compile", "search", "match", "fullmatch", "findall", "finditer", "sub", "split"}
SCOPE = [
    *sorted((ROOT / "harness").rglob("*.py")),
    *sorted((ROOT / "steps").glob("*.py")),
    *sorted((ROOT / "scripts").glob("*.py")),
    ROOT / "tests" / "emulator" / "conftest.py",
    *sorted((ROOT / "tests" / "evidence").glob("*.py")),
]
OWNERS = ("harness/dba/", "harness/openedge/")


def regexes(path: Path) -> list[str]:
    """The patterns a module hands to ``re`` (string constants, f-strings' literal parts)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _RE_CALLS
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "re"
            and node.args
        ):
            pattern = node.args[0]
            if isinstance(pattern, ast.Constant) and isinstance(pattern.value, str):
                found.append(pattern.value)
            elif isinstance(pattern, ast.JoinedStr):
                found.append("".join(v.value for v in pattern.values if isinstance(v, ast.Constant)))
    return found


def second_parsers(path: Path) -> list[str]:
    return [
        f"{what}: {pattern!r}"
        for pattern in regexes(path)
        for what, tokens in MARKERS.items()
        if any(token in pattern for token in tokens)
    ]


@pytest.mark.parametrize(
    "path",
    [p for p in SCOPE if not str(p.relative_to(ROOT)).startswith(OWNERS)],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_no_second_parser_of_an_openedge_output(path: Path) -> None:
    assert second_parsers(path) == []


def test_the_one_parser_is_found_by_the_check() -> None:
    """The check recognises every format it guards, in the module that owns them: it can fail."""
    owned = second_parsers(ROOT / "harness" / "dba" / "readings.py")
    assert {entry.split(":")[0] for entry in owned} >= set(MARKERS) - {"CommandResult.describe()"}

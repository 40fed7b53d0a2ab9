"""docs/MESSAGES.md, docs/FIDELITY.md and docs/COVERAGE.md are generated; they must match what
scripts/gen_docs.py makes now."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "gen_docs.py"


def _generator():
    spec = importlib.util.spec_from_file_location("gen_docs", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", ["MESSAGES.md", "FIDELITY.md", "COVERAGE.md"])
def test_generated_docs_are_current(name):
    expected = {path.name: text for path, text in _generator().render().items()}[name]
    current = (ROOT / "docs" / name).read_text(encoding="utf-8")
    assert current == expected, f"docs/{name} is stale: run `python scripts/gen_docs.py` and commit the result"


def test_every_catalogue_entry_is_in_messages_md():
    from oedr.harness.openedge import messages as m

    text = (ROOT / "docs" / "MESSAGES.md").read_text(encoding="utf-8")
    missing = [name for name in m.catalogue() if f"| `{name}` |" not in text]
    assert not missing


def test_fidelity_lists_every_entry_that_is_not_confirmed():
    from oedr.harness.openedge import messages as m

    text = (ROOT / "docs" / "FIDELITY.md").read_text(encoding="utf-8")
    for name, entry in m.catalogue().items():
        assert (f"| `{name}` |" in text) == (entry.confidence is not m.Confidence.CONFIRMED), name


def test_the_check_mode_agrees():
    result = subprocess.run([sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, check=False)
    assert (result.returncode, result.stdout) == (0, ""), result.stdout


def test_every_document_a_message_names_exists():
    from oedr.harness.openedge import messages as m

    named = {doc for entry in m.catalogue().values() for doc in re.findall(r"docs/[\w.-]+\.md", entry.template)}
    assert "docs/COVERAGE.md" in named  # 90014 sends the reader there
    assert all((ROOT / doc).is_file() for doc in named), named


def test_coverage_is_read_from_the_parsers():
    """A documented option the emulator refuses is listed as not emulated, with the refusal it prints."""
    rows = {
        (utility, command): (status, number)
        for utility, _what, command, status, number, _note in _generator().coverage()
    }
    assert rows[("probkup", "probkup nosuch full.bck -scan")] == ("refused as not emulated", 90014)
    assert rows[("probkup", "probkup online nosuch full.bck")] == ("emulated", None)
    assert rows[("proquiet", "proquiet nosuch bithreshold 100")] == ("emulated", None)
    assert rows[("prodel", "prodel nosuch")] == ("no such command in the emulator", None)

"""docs/MESSAGES.md and docs/FIDELITY.md are generated; they must match what scripts/gen_docs.py makes now."""

from __future__ import annotations

import importlib.util
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


@pytest.mark.parametrize("name", ["MESSAGES.md", "FIDELITY.md"])
def test_generated_docs_are_current(name):
    expected = {path.name: text for path, text in _generator().render().items()}[name]
    current = (ROOT / "docs" / name).read_text(encoding="utf-8")
    assert current == expected, f"docs/{name} is stale: run `python scripts/gen_docs.py` and commit the result"


def test_every_catalogue_entry_is_in_messages_md():
    from harness.openedge import messages as m

    text = (ROOT / "docs" / "MESSAGES.md").read_text(encoding="utf-8")
    missing = [name for name in m.catalogue() if f"| `{name}` |" not in text]
    assert not missing


def test_fidelity_lists_every_entry_that_is_not_confirmed():
    from harness.openedge import messages as m

    text = (ROOT / "docs" / "FIDELITY.md").read_text(encoding="utf-8")
    for name, entry in m.catalogue().items():
        assert (f"| `{name}` |" in text) == (entry.confidence is not m.Confidence.CONFIRMED), name


def test_the_check_mode_agrees():
    result = subprocess.run([sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, check=False)
    assert (result.returncode, result.stdout) == (0, ""), result.stdout

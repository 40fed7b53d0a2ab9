"""Every golden transcript (``tests/golden/*.t``, format in ``harness/golden.py``) replayed against the emulator.

A transcript is OpenEdge's own output: quoted verbatim by the reference (its header names the source and the
quote, and says where and why the expected text differs from it) or recorded from a real OpenEdge with
``--record``. The emulator must print the same, after ``oedr.harness.golden.normalise``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from oedr.harness import golden
from oedr.harness.backends.local import LocalBackend

FILES = sorted(Path(__file__).parent.glob("*.t"))


def test_there_are_golden_transcripts() -> None:
    assert len(FILES) >= 10, FILES


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_the_emulator_prints_what_openedge_prints(path: Path, backend: LocalBackend) -> None:
    transcript = golden.load(path)
    assert transcript.field("source"), f"{path.name} does not say where its text comes from (# source:)"
    if transcript.field("replayable").startswith("no"):
        pytest.skip(f"{path.name}: {transcript.field('replayable')}")
    problems = golden.Replay(backend).run(transcript)
    assert not problems, f"{path.name}:\n" + "\n\n".join(problems)

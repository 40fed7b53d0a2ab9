"""Scenarios that rest on the emulator: every one that asserts an emulator-assigned message number (90000 and
up) is tagged @emulator_only, and the openedge backend skips them with a reason (a real OpenEdge cannot pass)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from oedr.harness.backends.selection import EMULATOR_ONLY_REASON
from oedr.harness.bdd import parse_feature

ROOT = Path(__file__).resolve().parents[2]
EMULATOR_NUMBER = re.compile(r"(?<!\d)9\d{4}(?!\d)")


def _scenarios() -> list[tuple[str, str, set[str], list[str], int]]:
    """(feature file, scenario, tags, emulator numbers it names, how many tests it makes: one per Examples row)."""
    found = []
    for path in sorted((ROOT / "features").rglob("*.feature")):
        feature = parse_feature(path)
        for scenario in feature.scenarios.values():
            rows = [str(row) for table in scenario.examples for row in table.examples]
            texts = [step.name for step in scenario.steps] + rows
            numbers = sorted({n for text in texts for n in EMULATOR_NUMBER.findall(text)})
            found.append((path.name, scenario.name, scenario.tags | feature.tags, numbers, max(len(rows), 1)))
    return found


def test_every_scenario_asserting_an_emulator_number_is_tagged_emulator_only() -> None:
    relying = [(f, s, n) for f, s, tags, n, _ in _scenarios() if n]
    assert len(relying) >= 6, "the standard features assert 90041, 90064, 90055, 90001, 90054, 90050"
    untagged = [(f, s, n) for f, s, tags, n, _ in _scenarios() if n and "emulator_only" not in tags]
    assert untagged == []


def test_the_openedge_backend_skips_them_with_the_reason() -> None:
    tagged = sum(tests for _, _, tags, _, tests in _scenarios() if "emulator_only" in tags)
    env = {**os.environ, "OEDR_EVIDENCE": "0", "DOCKER_HOST": "unix:///nonexistent/docker.sock"}
    env.pop("PYTEST_XDIST_WORKER", None)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "features",
            "-q",
            "-p",
            "no:xdist",
            "-rs",
            "-m",
            "emulator_only",
            "--oe-backend",
            "openedge",
            "--oe-image",
            "site/openedge:12.8",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout
    assert f"{tagged} skipped" in run.stdout, run.stdout
    assert re.search(rf"SKIPPED \[{tagged}\] .*{re.escape(EMULATOR_ONLY_REASON)}", run.stdout), run.stdout


def test_init_copies_the_tag_into_a_sites_plan(tmp_path: Path) -> None:
    from oedr.harness.oedr import main

    assert main(["init", str(tmp_path / "site")]) == 0
    copied = (tmp_path / "site" / "features" / "procedures" / "what_goes_wrong.feature").read_text(encoding="utf-8")
    assert "@8019 @offline @emulator_only\n  Scenario: rfutil -C sequence skipped" in copied

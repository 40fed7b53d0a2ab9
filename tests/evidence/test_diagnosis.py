"""Every entry of the diagnosis catalogue, produced by the scenario that makes that mistake.

The standard "what goes wrong" scenarios expect their refusals (``Then it fails with message N``). Here each
such check is turned into ``Then it succeeds`` in a scratch plan, so the scenario fails at the refused
command with the real output, and the evidence must name the likely mistake and its remedy beside it, in
results.json, on the console and in the report.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

import pytest

from oedr.harness.evidence.diagnosis import CATALOGUE
from oedr.harness.evidence.results import failure_of
from tests.evidence import realplan
from tests.evidence.realplan import feature, scenario

# feature -> messages whose expected refusal becomes an unexpected failure
UNEXPECTED = {
    "what_goes_wrong.feature": (8019, 90041, 833, 90001, 276, 43, 90054),
    "probkup_prorest.feature": (6774, 90064),
    "point_in_time.feature": (17923,),
    "restore_os_copy.feature": (90055,),
}
EXPECTED = {
    "rfutil -C sequence skipped: the first roll forward is refused with 8019, and the copy is spent": (
        "sequence-skipped"
    ),
    "AI files applied out of order, twice, or with one missing are refused with 8019": "out-of-sequence",
    "rfutil -C sequence run after a successful first roll forward is refused": "sequence-after-roll-forward",
    "the AI switch forgotten before the copy: the file spanning the copy fails the date check": "wrong-ai-file-dates",
    "the database written to during the copy: the torn copy is refused when it is opened": "torn-copy",
    "the .lk left in the restored copy: every utility refuses the database": "lock-file-copied",
    "relative paths in the .st, repaired from another directory, point at files that are not there": "extent-paths",
    "an extent missing from the copy is found by prostrct repair": "extent-paths",
    "a damaged AI file or an EMPTY extent is refused and changes nothing": "damaged-ai-file",
    "an EMPTY extent given to roll forward": "empty-ai-extent",
    "an offline full backup and two incrementals, restored in order and refused out of order": (
        "incremental-out-of-order"
    ),
    "a damaged backup is caught by prorest -vp and -vf, and is not restored": "damaged-backup",
    "roll forward to a time between two batches of transactions": "past-the-endpoint",
    "a roll forward killed part-way is finished with roll forward retry": "interrupted-roll-forward",
}
DAMAGED_OR_EMPTY = "a damaged AI file or an EMPTY extent is refused and changes nothing"


def _empty_extent_feature(what_goes_wrong: str) -> str:
    """The damaged-or-EMPTY scenario alone, with only its EMPTY extent refusal unexpected."""
    background = re.search(r"\n  Background:\n.*?\n\n", what_goes_wrong, re.S)
    scenario_text = re.search(rf"\n  Scenario: {re.escape(DAMAGED_OR_EMPTY)}\n.*?(?=\n\n|\Z)", what_goes_wrong, re.S)
    assert background is not None
    assert scenario_text is not None
    body = scenario_text.group(0).replace(DAMAGED_OR_EMPTY, "an EMPTY extent given to roll forward")
    body = body.replace("    Then it fails with message 90050", "    Then it succeeds")
    return f"Feature: An EMPTY extent rolled forward\n{background.group(0)}{body}\n"


@pytest.fixture(scope="module")
def diagnosed(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, Any], str]:
    plan = realplan.scaffold(tmp_path_factory.mktemp("diagnosis") / "plan")
    wrong = feature(plan, "what_goes_wrong.feature").read_text(encoding="utf-8")
    feature(plan, "empty_extent.feature").write_text(_empty_extent_feature(wrong), encoding="utf-8")
    for name, numbers in UNEXPECTED.items():
        path = feature(plan, name)
        text = path.read_text(encoding="utf-8")
        for number in numbers:
            assert f"    Then it fails with message {number}\n" in text, (name, number)
            text = text.replace(f"    Then it fails with message {number}\n", "    Then it succeeds\n")
        path.write_text(text, encoding="utf-8")
    files = [str(feature(plan, name)) for name in [*UNEXPECTED, "empty_extent.feature"]]
    done = realplan.oedr(plan, "run", *files, "-n", "2", "--out", "out")
    assert done.returncode == 1, done.stdout + done.stderr
    return done.stdout, realplan.results(plan / "out"), (plan / "out" / "report.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(("name", "key"), sorted(EXPECTED.items()))
def test_each_mistake_is_diagnosed_beside_the_failing_command(
    diagnosed: tuple[str, dict[str, Any], str], name: str, key: str
) -> None:
    stdout, results, html = diagnosed
    failure = failure_of(scenario(results, name))
    assert failure is not None, f"{name} did not fail"
    assert failure["diagnosis"] is not None, failure
    assert failure["diagnosis"]["key"] == key, failure
    entry = next(e for e in CATALOGUE if e.key == key)
    block = stdout.split(f"scenario: {name}\n", 1)[1].split("scenario:", 1)[0]
    assert "likely:   " + entry.mistake.split()[0] in block, block
    assert "remedy:   " in block
    assert escape(entry.remedy) in html


def test_every_catalogue_entry_has_its_scenario() -> None:
    assert {e.key for e in CATALOGUE} == set(EXPECTED.values())


def test_an_expected_refusal_is_not_diagnosed(diagnosed: tuple[str, dict[str, Any], str]) -> None:
    _, results, _ = diagnosed
    passed = scenario(results, "the documented restore, file by file")
    assert passed["status"] == "passed"
    assert failure_of(passed) is None


def test_the_catalogue_sits_beside_the_failing_command_in_the_report(
    diagnosed: tuple[str, dict[str, Any], str],
) -> None:
    _, _, html = diagnosed
    cell = html.split("the .lk left in the restored copy", 1)[1].split("</div>", 2)
    assert "<code>proserve sports</code>" in cell[0]
    assert "Likely:</b>" in "".join(cell[:2])

"""The report's first page as an auditor reads it, and a Scenario Outline's rows told apart, from a real run of a
standard procedure (restore_os_copy.feature: two outline rows and one @emulator_only scenario)."""

from __future__ import annotations

import json
import re

from tests.evidence.conftest import StandardRun

OUTLINE = "a copy of a replication source is made a plain DR copy first"
RETRY = "a roll forward killed part-way is finished with roll forward retry"
OPLOCK = "rolled forward from a list under oplock: the standby cannot be started until roll opunlock"
REPLICATION = "a copy of a replication source is made a plain DR copy first"


def _summary(out_html: str) -> str:
    return out_html.split('<section class="summary-page">', 1)[1].split("</section>", 1)[0]


def test_each_outline_row_has_its_own_name_and_id(standard_run: StandardRun) -> None:
    out, console = standard_run
    rows = [f"{OUTLINE} (areas=1, kind=fixed)", f"{OUTLINE} (areas=3, kind=variable)"]
    for row in rows:
        assert f"› {row} (" in console, console
    cucumber = json.loads((out / "cucumber.json").read_text(encoding="utf-8"))
    elements = [e for f in cucumber for e in f["elements"]]
    assert sorted(e["name"] for e in elements if e["name"].startswith(OUTLINE)) == rows
    ids = [e["id"] for e in elements]
    assert len(ids) == len(set(ids)) == 5


def test_the_summary_page_says_what_was_proven_on_what_and_by_whom(standard_run: StandardRun) -> None:
    out, _ = standard_run
    summary = _summary((out / "report.html").read_text(encoding="utf-8"))
    assert "on the oedr OpenEdge-like emulator (not Progress OpenEdge)" in summary
    assert re.search(r"<th>Backend</th><td>local</td>", summary)
    relied = re.search(r"<th>Emulator-assigned message numbers relied on</th><td>([^<]*)</td>", summary)
    assert relied is not None
    expected = "90055, 90130, 90131, 90132, 90133: checked by 4 scenarios, each tagged @emulator_only"
    assert relied.group(1).startswith(expected), relied.group(1)
    tagged = re.search(r"<th>@emulator_only scenarios \(skipped on a real OpenEdge\)</th><td>([^<]*)</td>", summary)
    assert tagged is not None
    rows = ("areas=1, kind=fixed", "areas=3, kind=variable")
    expected = [RETRY, OPLOCK, *(f"{REPLICATION} ({row})" for row in rows)]
    assert tagged.group(1) == "4: " + "; ".join(f"{name} (passed)" for name in expected)
    assert "Restore an OS copy on the DR host and roll it forward" in summary
    assert re.search(r"<th>Run by</th><td>\S+ on \S+</td>", summary)
    assert "SHA256SUMS" in summary


def test_the_harness_reads_are_summarised_not_dumped(standard_run: StandardRun) -> None:
    out, _ = standard_run
    html = (out / "report.html").read_text(encoding="utf-8")
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    reads = [
        c
        for f in results["features"]
        for s in f["scenarios"]
        for b in [s["setup"], *s["steps"], s["teardown"]]
        for c in b["commands"]
        if c.get("internal")
    ]
    assert reads, "the harness read the master block"
    assert 'class="cmd internal"' not in html
    assert "OpenEdge Database Description" not in html, "no proutil -C describe output in the report"
    counted = sum(int(n) for n in re.findall(r"The harness read the master block (\d+) times?", html))
    assert counted == len(reads)

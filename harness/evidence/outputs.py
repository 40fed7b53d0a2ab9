"""Write every file of a run's evidence from its recorded scenarios: the one place that knows the file names.

``DIR/results.json`` (the machine-readable twin), ``DIR/cucumber.json``, ``DIR/report.html`` and, last,
``DIR/SHA256SUMS`` over everything else in DIR (junit.xml, allure-results/, parts/, progress.jsonl
included), and last report.html, which shows the manifest's digest (so it is not listed in the manifest:
``check_report`` renders it again from results.json and compares).
"""

from __future__ import annotations

import copy
from pathlib import Path

from oedr.harness.evidence import cucumber, html, manifest
from oedr.harness.evidence import results as res
from oedr.harness.evidence.environment import finish, now_iso

HTML_FILE = manifest.RENDERED
CUCUMBER_FILE = "cucumber.json"
JUNIT_FILE = "junit.xml"
OUTPUT_FILES = (HTML_FILE, CUCUMBER_FILE, JUNIT_FILE, manifest.MANIFEST)


def orphan_entry(nodeid: str, status: str, reason: str | None) -> res.JSON:
    """A scenario known only from the controller's reports (its worker died before recording it)."""
    path = nodeid.split("::", 1)[0]
    return {
        "nodeid": nodeid,
        "order": 0,
        "name": nodeid.split("::")[-1],
        "keyword": "Scenario",
        "line": 0,
        "tags": [],
        "description": "",
        "example": None,
        "status": status,
        "reason": reason,
        "worker": None,
        "started": None,
        "duration": 0.0,
        "setup": res.new_bucket(),
        "steps": [],
        "teardown": res.new_bucket(),
        "traceback": None,
        "feature": {
            "name": f"Scenarios recorded by no worker ({path})",
            "keyword": "Feature",
            "description": "",
            "path": path,
            "rel_filename": path,
            "line": 0,
            "tags": [],
        },
    }


def write_all(
    out: Path, scenarios: list[res.JSON], environment: res.JSON, run_errors: list[res.JSON], run: res.JSON | None = None
) -> res.JSON:
    """Build results from recorded scenarios and write results.json and the reports; return the results.

    ``run`` says whether the run finished (verdict.run_record); without it the results are INCOMPLETE.
    """
    commands = [c for s in scenarios for c in res.records(s, "commands")]
    env = finish(environment, commands, now_iso())
    results = res.build([{"scenarios": scenarios}], env, run_errors, run)
    res.write_json(out / res.RESULTS_FILE, results)
    write_reports(out, results)
    return results


# Stands for the manifest's digest while the report is rendered (the manifest is written after the rendering,
# which must succeed before anything is written: a damaged results.json changes nothing).
_DIGEST_SLOT = "0" * 63 + "x"


def write_reports(out: Path, results: res.JSON) -> str:
    """(Re)write the reports derived from results.json and the manifest; return the manifest's digest."""
    report = _render_report(results, _DIGEST_SLOT)  # all, before any write
    (out / CUCUMBER_FILE).write_text(cucumber.dumps(results), encoding="utf-8")
    return seal(out, report)


def seal(out: Path, report: str | None = None) -> str:
    """Write the manifest over the run's files, then report.html showing its digest; return the digest."""
    if report is None:
        report = _render_report(res.read_json(out / res.RESULTS_FILE), _DIGEST_SLOT)
    manifest.write_manifest(out)
    digest = manifest.file_digest(out / manifest.MANIFEST)
    (out / HTML_FILE).write_text(report.replace(_DIGEST_SLOT, digest), encoding="utf-8")
    return digest


def _render_report(results: res.JSON, digest: str) -> str:
    # The verdict is worked out again from the scenarios and the run record, never taken from the file.
    return html.render({**res.recompute(copy.deepcopy(results)), "manifest_digest": digest})


def check_report(out: Path) -> str | None:
    """None when report.html is exactly what results.json and the manifest render to; else what differs."""
    path = out / HTML_FILE
    if not path.exists():
        return f"MISSING   {HTML_FILE}"
    try:
        results = res.read_json(out / res.RESULTS_FILE)
        expected = _render_report(results, manifest.file_digest(out / manifest.MANIFEST))
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return f"CHANGED   {HTML_FILE} (cannot be rendered again from {res.RESULTS_FILE})"
    if path.read_bytes() != expected.encode("utf-8"):
        return f"CHANGED   {HTML_FILE} (it is not what {res.RESULTS_FILE} renders to)"
    return None

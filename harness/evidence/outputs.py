"""Write every file of a run's evidence from its recorded scenarios: the one place that knows the file names.

``DIR/results.json`` (the machine-readable twin), ``DIR/cucumber.json``, ``DIR/report.html`` and, last,
``DIR/SHA256SUMS`` over everything in DIR (junit.xml, allure-results/, parts/, progress.jsonl included).
"""

from __future__ import annotations

from pathlib import Path

from harness.evidence import cucumber, html, manifest
from harness.evidence import results as res
from harness.evidence.environment import finish, now_iso

HTML_FILE = "report.html"
CUCUMBER_FILE = "cucumber.json"
JUNIT_FILE = "junit.xml"
OUTPUT_FILES = (HTML_FILE, CUCUMBER_FILE, JUNIT_FILE, manifest.MANIFEST)


def orphan_entry(nodeid: str, status: str, reason: str | None) -> res.JSON:
    """A scenario known only from the controller's reports (its worker died before recording it)."""
    path = nodeid.split("::", 1)[0]
    return {
        "nodeid": nodeid, "order": 0, "name": nodeid.split("::")[-1], "keyword": "Scenario", "line": 0,
        "tags": [], "description": "", "example": None, "status": status, "reason": reason, "worker": None,
        "started": None, "duration": 0.0, "setup": res.new_bucket(), "steps": [], "teardown": res.new_bucket(),
        "traceback": None,
        "feature": {"name": f"Scenarios recorded by no worker ({path})", "keyword": "Feature", "description": "",
                    "path": path, "rel_filename": path, "line": 0, "tags": []},
    }  # fmt: skip


def write_all(out: Path, scenarios: list[res.JSON], environment: res.JSON, run_errors: list[res.JSON]) -> res.JSON:
    """Build results from recorded scenarios and write results.json and the reports; return the results."""
    commands = [c for s in scenarios for c in res.records(s, "commands")]
    env = finish(environment, commands, now_iso())
    results = res.build([{"scenarios": scenarios}], env, run_errors)
    res.write_json(out / res.RESULTS_FILE, results)
    write_reports(out, results)
    return results


def write_reports(out: Path, results: res.JSON) -> None:
    """(Re)write the reports derived from results.json, then the manifest over the whole directory."""
    rendered = {CUCUMBER_FILE: cucumber.dumps(results), HTML_FILE: html.render(results)}  # all, before any write
    for name, text in rendered.items():
        (out / name).write_text(text, encoding="utf-8")
    manifest.write_manifest(out)

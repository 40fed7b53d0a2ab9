"""Cucumber JSON, written by us from results.json.

pytest-bdd 9.0.1's own ``--cucumberjson`` is empty under xdist and leaves out skipped and undefined
scenarios, so CI dashboards get this one instead. Format: the de-facto Cucumber JSON (a list of features,
each with ``elements`` = scenarios, each with ``steps`` whose ``result`` has ``status``, ``duration`` in
nanoseconds and ``error_message``). A scenario that did not run carries its reason as the first step's
``error_message``; a setup or teardown error is a failed hook (``before``/``after``), as Cucumber writes them.
A step that copied files carries each copy's file list (name, bytes, SHA-256) as a ``text/plain`` embedding,
the attachment CI dashboards show under the step.
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any

from oedr.harness.evidence.results import JSON

_STEP_STATUS = {
    "passed": "passed",
    "failed": "failed",
    "undefined": "undefined",
    "skipped": "skipped",
    "running": "failed",
}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _tags(names: list[str], line: int) -> list[JSON]:
    return [{"name": f"@{name}", "line": line} for name in names]


def _step(step: JSON, scenario: JSON, first: bool) -> JSON:
    result: JSON = {"status": _STEP_STATUS.get(step["status"], "skipped"), "duration": int(step["duration"] * 1e9)}
    if step.get("error"):
        result["error_message"] = step["error"]["message"]
    elif first and scenario["status"] in ("skipped", "deselected") and scenario.get("reason"):
        result["error_message"] = scenario["reason"]
    out: JSON = {
        "keyword": f"{step['keyword']} ",
        "name": step["name"],
        "line": step["line"],
        "result": result,
        "match": {"location": step.get("match", "")},
    }
    embeddings = [_copy_embedding(e) for e in step.get("events") or [] if e.get("kind") == "copy" and e.get("files")]
    if embeddings:
        out["embeddings"] = embeddings
    if step.get("docstring") is not None:
        out["doc_string"] = {"value": step["docstring"], "line": step["line"] + 1}
    if step.get("datatable"):
        out["rows"] = [{"cells": row} for row in step["datatable"]]
    return out


def copy_listing(event: JSON) -> str:
    """A copy's files as plain text: where from and to, then one ``name  bytes  sha256`` line per file."""
    files = [f for f in event.get("files") or [] if isinstance(f, dict)]
    head = (
        f"copied from {event.get('from')}:{event.get('directory') or '.'} to "
        f"{event.get('host')}:{event.get('target_directory') or '.'} ({len(files)} files)"
    )
    width = max((len(str(f.get("name"))) for f in files), default=0)
    lines = [f"{f.get('name')!s:<{width}}  {f.get('bytes')!s:>10}  {f.get('sha256')}" for f in files]
    return "\n".join([head, *lines]) + "\n"


def _copy_embedding(event: JSON) -> JSON:
    return {
        "mime_type": "text/plain",
        "name": f"files copied: {event.get('label') or ''}",
        "data": base64.b64encode(copy_listing(event).encode("utf-8")).decode("ascii"),
    }


def _hooks(scenario: JSON) -> JSON:
    if scenario["status"] != "error" or not scenario.get("reason"):
        return {}
    where = "after" if scenario["reason"].startswith("teardown") else "before"
    return {
        where: [
            {
                "match": {"location": "pytest fixtures"},
                "result": {"status": "failed", "duration": 0, "error_message": scenario["reason"]},
            }
        ]
    }


def _element(scenario: JSON, feature_id: str) -> JSON:
    steps = [_step(step, scenario, i == 0) for i, step in enumerate(scenario["steps"])]
    return {
        "id": f"{feature_id};{_slug(scenario['name'])}",
        "keyword": scenario["keyword"],
        "name": scenario["name"],
        "line": scenario["line"],
        "description": scenario.get("description") or "",
        "type": "scenario",
        "tags": _tags(scenario["tags"], scenario["line"]),
        "steps": steps,
        **_hooks(scenario),
    }


def to_cucumber(results: JSON) -> list[JSON]:
    """The features of a results document as Cucumber JSON (deselected scenarios are left to results.json)."""
    features = []
    for feature in results["features"]:
        feature_id = _slug(feature["name"])
        elements = [_element(s, feature_id) for s in feature["scenarios"] if s["status"] != "deselected"]
        features.append(
            {
                "uri": feature["path"],
                "id": feature_id,
                "keyword": feature["keyword"],
                "name": feature["name"],
                "description": feature.get("description") or "",
                "line": feature["line"],
                "tags": _tags(feature["tags"], feature["line"]),
                "elements": elements,
            }
        )
    return features


def dumps(results: JSON) -> str:
    """Cucumber JSON text."""
    data: list[Any] = to_cucumber(results)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

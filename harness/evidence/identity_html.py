"""The report's account of what was proven and by whom: the manifest's digest, the plan's revision and files
(identity.py), and the run's operator, ticket and approver."""

from __future__ import annotations

from html import escape
from typing import Any

JSON = dict[str, Any]


def _row(name: str, value: str) -> str:
    return f"<tr><th>{escape(name)}</th><td>{value}</td></tr>"


def identity(results: JSON) -> str:
    """The identity table shown under the verdict ('' for results that record none)."""
    plan = (results.get("environment") or {}).get("plan") or {}
    digest = results.get("manifest_digest")
    rows = []
    if digest:
        rows.append(
            _row(
                "Manifest (SHA256SUMS) sha256",
                f"<code>{escape(str(digest))}</code> — compare it with "
                "the digest recorded for the change; <code>oedr verify DIR --digest</code> checks it",
            )
        )
    rows += [
        _row(name.capitalize(), escape(str(plan.get(name) or "not given")))
        for name in ("operator", "ticket", "approver")
    ]
    if plan:
        revision = plan.get("git_revision") or "not a git checkout"
        dirty = plan.get("git_dirty")
        state = "" if dirty is None else (" (with uncommitted changes)" if dirty else " (clean)")
        rows.append(
            _row(
                "Plan",
                f"{escape(str(plan.get('directory')))}<br>revision {escape(str(revision))}"
                f"{escape(state)} · oedr {escape(str(plan.get('oedr_version')))}",
            )
        )
        files = "".join(
            f"<tr><td><code>{escape(f['path'])}</code></td><td><code>{escape(f['sha256'])}</code></td></tr>"
            for f in plan.get("files") or []
        )
        rows.append(
            _row(
                f"Plan files ({len(plan.get('files') or [])})",
                f"<details><summary>SHA-256 of every file</summary><table>{files}</table></details>",
            )
        )
    return f"<table class=identity>{''.join(rows)}</table>" if rows else ""

"""Helpers for the evidence tests that run a real plan: the standard features, scaffolded by ``oedr init``.

The plan is a scratch copy (never the repository's features), so a test may break a procedure in it (drop
``rfutil -C sequence``) and pick the scenarios it needs with a tag of its own.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from html import escape
from pathlib import Path
from typing import Any

from oedr.harness.evidence.derive import scenario_events
from oedr.harness.oedr import main

PICKED = "picked"


def oedr(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``oedr ARGS`` in ``cwd``, as a DBA runs it (in ``env`` when given, else this process's environment)."""
    return subprocess.run(
        [sys.executable, "-m", "oedr.harness.oedr", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env=env,
    )


def scaffold(site: Path, *args: str) -> Path:
    """``oedr init SITE ARGS``; the plan also knows the test's own tag (pytest runs with --strict-markers)."""
    assert main(["init", str(site), *args]) == 0
    ini = site / "pytest.ini"
    ini.write_text(ini.read_text(encoding="utf-8") + f"    {PICKED}: chosen by an evidence test\n", encoding="utf-8")
    return site


def feature(site: Path, name: str) -> Path:
    return site / "features" / "procedures" / name


def pick(path: Path, *scenarios: str) -> None:
    """Tag these scenarios of a feature ``@picked`` (so ``oedr run --tags picked`` runs just them)."""
    text = path.read_text(encoding="utf-8")
    for name in scenarios:
        line = re.search(rf"^(?P<indent>\s*)Scenario(?: Outline)?: {re.escape(name)}$", text, re.M)
        assert line is not None, f"no scenario {name!r} in {path.name}"
        text = text[: line.start()] + f"{line['indent']}@{PICKED}\n" + text[line.start() :]
    path.write_text(text, encoding="utf-8")


def drop_lines(path: Path, *lines: str) -> None:
    """Remove the first occurrence of each line (a step the DBA forgot)."""
    text = path.read_text(encoding="utf-8")
    for line in lines:
        assert f"\n{line}\n" in text, f"{line!r} is not in {path.name}"
        text = text.replace(f"\n{line}\n", "\n", 1)
    path.write_text(text, encoding="utf-8")


def replace_line(path: Path, line: str, *replacement: str) -> None:
    """Replace the first occurrence of a line with others (a step the DBA got wrong, or one more step)."""
    text = path.read_text(encoding="utf-8")
    assert f"\n{line}\n" in text, f"{line!r} is not in {path.name}"
    path.write_text(text.replace(f"\n{line}\n", "".join(f"\n{new}" for new in replacement) + "\n", 1), encoding="utf-8")


def results(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / "results.json").read_text(encoding="utf-8"))
    return data


def scenario(data: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(s for f in data["features"] for s in f["scenarios"] if s["name"] == name)
    return found


def marks(entry: dict[str, Any], host: str, *kinds: str) -> list[tuple[str, Any]]:
    """The timeline's marks on one host, as (label, seq), in order; only the given kinds when named.

    A refused roll forward has no sequence of its own: its seq reads ``expects N``, as the timeline draws it."""
    return [
        (e["label"], e.get("seq") if e.get("expects") is None else f"expects {e['expects']}")
        for _, e in scenario_events(entry)
        if e.get("host") == host and (not kinds or e["kind"] in kinds)
    ]


def timeline_svg(html: str, name: str) -> str:
    """The timeline picture of the named scenario in report.html."""
    for svg in re.findall(r'<svg class="timeline".*?</svg>', html, re.DOTALL):
        if f'aria-label="timeline of {escape(name)}"' in svg:
            return str(svg)
    raise AssertionError(f"no timeline for {name!r}")
